import { describe, expect, it } from 'vitest';
import { predictionNote, withNote } from './predictNotes';

describe('prediction notes kept after the job', () => {
  const names = ['a.png', 'cells: day 2.tif'];

  it('keeps an image’s note and a folder’s summary, not plain progress', () => {
    const note = '1-channel image repeated into the 3 (RGB) channels the model was trained on';
    expect(predictionNote(`a.png: ${note}`, names)).toBe(`a.png: ${note}`);
    expect(predictionNote(`3 image(s): ${note}`, names)).toBe(`3 image(s): ${note}`);
    expect(predictionNote('a.png', names)).toBeNull();
    // A name holding ": " is a plain message, not a note.
    expect(predictionNote('cells: day 2.tif', names)).toBeNull();
    expect(predictionNote(`cells: day 2.tif: ${note}`, names)).toBe(`cells: day 2.tif: ${note}`);
    expect(predictionNote('other.png: something', names)).toBeNull();
  });

  it('adds each note once', () => {
    const once = withNote([], 'x');
    expect(withNote(once, 'x')).toBe(once);
    expect(withNote(once, null)).toBe(once);
    expect(withNote(once, 'y')).toEqual(['x', 'y']);
  });
});
