import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { encode } from 'fast-png';
import { syntheticEmSlice } from '../fixtures/syntheticEm';

/**
 * Environment variable naming a folder laid out like ISBI 2012's `train/` (`images/N.png`,
 * `labels/N.png`). Set (by `npm run test:data`), the suites below run on those real slices;
 * unset (`npm test`), on synthetic slices made by test/fixtures/syntheticEm.ts.
 */
export const REAL_EM_DATA_ENV = 'UNET_TEST_DATA';

/** An image file and its label file (255 = cell interior, 0 = membrane), 8-bit gray PNGs. */
export interface EmPair {
  /** The image's file name, e.g. `0.png` (the label file has the same name). */
  name: string;
  image: string;
  label: string;
}

/** Where the slices come from, for test titles and messages. */
export function emDataSource(): string {
  const real = process.env[REAL_EM_DATA_ENV];
  return real ? resolve(real) : 'synthetic EM slices';
}

/**
 * Image/label pairs named `N.png` for each of `ids`: the real slices of `$UNET_TEST_DATA`
 * (a missing file throws, naming it), else synthetic 512x512 slices seeded by the id, written
 * under `scratch/em/` (created as needed; the caller removes `scratch`).
 */
export function emPairs(ids: (number | string)[], scratch: string): EmPair[] {
  const real = process.env[REAL_EM_DATA_ENV];
  if (real) {
    return ids.map((id) => {
      const pair = {
        name: `${id}.png`,
        image: join(real, 'images', `${id}.png`),
        label: join(real, 'labels', `${id}.png`),
      };
      for (const path of [pair.image, pair.label]) {
        if (!existsSync(path)) throw new Error(`${REAL_EM_DATA_ENV}=${real}: ${path} does not exist`);
      }
      return pair;
    });
  }
  const dir = join(scratch, 'em');
  mkdirSync(join(dir, 'images'), { recursive: true });
  mkdirSync(join(dir, 'labels'), { recursive: true });
  return ids.map((id) => {
    const slice = syntheticEmSlice(id);
    const png = (data: Uint8Array) =>
      encode({ width: slice.width, height: slice.height, data, depth: 8, channels: 1 });
    const pair = {
      name: `${id}.png`,
      image: join(dir, 'images', `${id}.png`),
      label: join(dir, 'labels', `${id}.png`),
    };
    writeFileSync(pair.image, png(slice.image));
    writeFileSync(pair.label, png(slice.label));
    return pair;
  });
}
