import { describe, expect, it } from 'vitest';
import { formatSeconds } from '../../src/shared/format';

describe('formatSeconds', () => {
  it('words seconds, minutes and hours, and says when it does not know', () => {
    expect([0, 42.4, 59.6, 185, 3599, 3600, 7620].map(formatSeconds)).toEqual([
      '0 s',
      '42 s',
      '1 min 00 s',
      '3 min 05 s',
      '59 min 59 s',
      '1 h 00 min',
      '2 h 07 min',
    ]);
    expect([null, undefined, Number.NaN, Number.POSITIVE_INFINITY].map(formatSeconds)).toEqual([
      '–',
      '–',
      '–',
      '–',
    ]);
  });
});
