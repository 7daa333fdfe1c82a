import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readImage } from '../../src/engine/index';
import { REAL_EM_DATA_ENV } from '../support/emData';

// Opt-in (`npm run test:data`): the real ISBI 2012 training slices, which a clone does not hold.
const dir = process.env[REAL_EM_DATA_ENV] ?? '';
if (!dir) throw new Error(`set ${REAL_EM_DATA_ENV} to the ISBI 2012 train/ folder (npm run test:data does)`);

describe('ISBI 2012 training slices (real data)', () => {
  it('image 0.png is 512x512, one 8-bit channel, with the pixels Pillow reads', async () => {
    const img = await readImage(join(dir, 'images', '0.png'));
    expect([img.width, img.height, img.channels, img.bitDepth]).toEqual([512, 512, 1, 8]);
    expect(img.data.length).toBe(512 * 512);
    // Sum and corner pixels computed independently with Pillow + numpy.
    expect(Array.from(img.data).reduce((a, b) => a + b, 0)).toBe(35971420);
    expect(Array.from(img.data.subarray(0, 5))).toEqual([126, 107, 122, 124, 131]);
    expect(Array.from(img.data.subarray(512 * 512 - 5))).toEqual([223, 205, 183, 164, 171]);
  });

  it('all 30 labels are 512x512 masks of exactly {0, 255}, 73-84 % cell interior', async () => {
    const names = readdirSync(join(dir, 'labels')).filter((n) => n.endsWith('.png'));
    expect(names).toHaveLength(30);
    for (const name of names) {
      const label = await readImage(join(dir, 'labels', name));
      expect([label.width, label.height, label.channels, label.bitDepth]).toEqual([512, 512, 1, 8]);
      let interior = 0;
      for (const v of label.data) {
        if (v === 255) interior++;
        else expect(v).toBe(0);
      }
      const fraction = interior / label.data.length;
      expect(fraction, name).toBeGreaterThan(0.73);
      expect(fraction, name).toBeLessThan(0.84);
    }
  });
});
