import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { writePng } from '../../src/engine/index';

/**
 * A trivially learnable segmentation task: bright discs (foreground, label 255) on a dark noisy
 * background, 8-bit gray. Writes `count` image/label pairs as images/NAME.png and
 * labels/NAME.png under `dir`; returns the two folders.
 */
export async function writeDiscDataset(
  dir: string,
  opts: { count: number; width: number; height: number; seed?: string },
): Promise<{ images: string; labels: string; names: string[] }> {
  const images = join(dir, 'images');
  const labels = join(dir, 'labels');
  await mkdir(images, { recursive: true });
  await mkdir(labels, { recursive: true });
  const rng = seedrandom(opts.seed ?? 'discs');
  const { width, height } = opts;
  const names: string[] = [];
  for (let k = 0; k < opts.count; k++) {
    const pixels = new Uint8Array(width * height);
    const mask = new Uint8Array(width * height);
    const discs = Array.from({ length: 3 + Math.floor(rng() * 3) }, () => ({
      x: rng() * width,
      y: rng() * height,
      r: 4 + rng() * 5,
    }));
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const inside = discs.some((d) => (x - d.x) ** 2 + (y - d.y) ** 2 <= d.r ** 2);
        mask[y * width + x] = inside ? 255 : 0;
        pixels[y * width + x] = Math.max(
          0,
          Math.min(255, Math.round((inside ? 190 : 50) + (rng() - 0.5) * 60)),
        );
      }
    }
    const name = `img${k}`;
    names.push(name);
    await writePng(join(images, `${name}.png`), { width, height, channels: 1, bitDepth: 8, data: pixels });
    await writePng(join(labels, `${name}.png`), { width, height, channels: 1, bitDepth: 8, data: mask });
  }
  return { images, labels, names };
}
