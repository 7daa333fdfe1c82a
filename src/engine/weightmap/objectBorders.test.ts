import { describe, expect, it } from 'vitest';
import { computeAnnotationWeightMap } from './computeAnnotationWeightMap';
import { BORDER_CLASS, withObjectBorders } from './objectBorders';

/** A width x height annotation from rows of characters: '.' background, '?' unlabelled, digits objects. */
function annotation(rows: string[]): {
  classes: Uint8Array;
  objects: Int32Array;
  width: number;
  height: number;
} {
  const width = rows[0].length;
  const height = rows.length;
  const classes = new Uint8Array(width * height);
  const objects = new Int32Array(width * height);
  rows.forEach((row, y) => {
    [...row].forEach((ch, x) => {
      const i = y * width + x;
      if (ch === '.') classes[i] = 1;
      else if (ch !== '?') {
        classes[i] = 2;
        objects[i] = Number(ch);
      }
    });
  });
  return { classes, objects, width, height };
}

/** The classes as rows: '.' background, '?' unlabelled, 'o' interior, 'b' border. */
function picture(classes: Uint8Array, width: number): string[] {
  const symbol = ['?', '.', 'o', 'b'];
  const rows: string[] = [];
  for (let y = 0; y < classes.length / width; y++)
    rows.push([...classes.subarray(y * width, (y + 1) * width)].map((c) => symbol[c]).join(''));
  return rows;
}

describe('withObjectBorders: each object outline becomes the border class', () => {
  it('marks the one-pixel outline of a lone object and two pixels where two objects touch', () => {
    const a = annotation([
      '..........',
      '.1111222..',
      '.1111222..',
      '.1111222..',
      '.1111222..',
      '..........',
    ]);
    const out = withObjectBorders(a.classes, a.objects, a.width, a.height);
    expect(picture(out, a.width)).toEqual([
      '..........',
      '.bbbbbbb..',
      '.boobbob..',
      '.boobbob..',
      '.bbbbbbb..',
      '..........',
    ]);
    // The input is left as it was.
    expect(a.classes.includes(BORDER_CLASS)).toBe(false);
  });

  it('makes no border at the image edge or next to unlabelled pixels (what lies there is unknown)', () => {
    const a = annotation(['111??', '111??', '111..', '.....']);
    const out = withObjectBorders(a.classes, a.objects, a.width, a.height);
    expect(picture(out, a.width)).toEqual(['ooo??', 'oob??', 'bbb..', '.....']);
  });
});

describe('computeAnnotationWeightMap with object borders', () => {
  const a = annotation(['.......', '.11122.', '.11122.', '.11122.', '.......']);

  it('trains three classes and turns no object pixel into background', () => {
    const map = computeAnnotationWeightMap({
      classes: a.classes,
      instances: a.objects,
      width: a.width,
      height: a.height,
      numClasses: 3,
      objectBorders: true,
      w0: 0,
      classBalance: false,
    });
    // Targets are network classes: 0 background, 1 interior, 2 border.
    const rows = picture(
      Uint8Array.from(map.targets, (t) => t + 1),
      a.width,
    );
    expect(rows).toEqual(['.......', '.bbbbb.', '.bobbb.', '.bbbbb.', '.......']);
    expect([...map.weights].every((w) => w === 1)).toBe(true);
    // Without object borders the touching pixels become background (the separation border).
    const plain = computeAnnotationWeightMap({
      classes: a.classes,
      instances: a.objects,
      width: a.width,
      height: a.height,
      numClasses: 2,
      w0: 0,
      classBalance: false,
    });
    expect(
      picture(
        Uint8Array.from(plain.targets, (t) => t + 1),
        a.width,
      )[2],
    ).toBe('.oo..o.');
  });

  it('refuses a network without the third class, and labels of more than one foreground class', () => {
    const args = {
      classes: a.classes,
      instances: a.objects,
      width: a.width,
      height: a.height,
      objectBorders: true,
    };
    expect(() => computeAnnotationWeightMap({ ...args, numClasses: 2 })).toThrow(/need 3 network classes/);
    const twoKinds = Uint8Array.from(a.classes, (c) => (c === 2 ? 3 : c));
    expect(() => computeAnnotationWeightMap({ ...args, classes: twoKinds, numClasses: 3 })).toThrow(
      /one foreground class/,
    );
  });
});
