// The training set of `npm run bench -- train`'s product-step rows: synthetic touching cells
// (bench/_synthetic.ts) as 8-bit images and 16-bit instance labels, written as PNG (what the
// product reads) and .npy (what the PyTorch reference reads), the same pixels in both.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { writeNpy, writePng } from '../src/engine/index';
import { syntheticCells } from './_synthetic';

/** One image and its labels, as files. */
export interface TrainFiles {
  image: string;
  labels: string;
  imageNpy: string;
  labelsNpy: string;
}

/**
 * Writes `count` size x size pairs under `dir`: bright noisy cells on a dark noisy background,
 * labelled by instance (16-bit ids; 0 = background). Same seed, same files.
 */
export async function writeTrainingSet(dir: string, count: number, size: number): Promise<TrainFiles[]> {
  mkdirSync(dir, { recursive: true });
  const files: TrainFiles[] = [];
  for (let k = 0; k < count; k++) {
    const cells = syntheticCells(`train-${k}`, { width: size, height: size });
    const rng = seedrandom(`train-image-${k}`);
    const image = Uint8Array.from(cells.instances, (id) =>
      Math.max(0, Math.min(255, Math.round((id > 0 ? 170 : 70) + (rng() - 0.5) * 80))),
    );
    const name = join(dir, `img${k}`);
    const file = {
      image: `${name}.png`,
      labels: `${name}_labels.png`,
      imageNpy: `${name}.npy`,
      labelsNpy: `${name}_labels.npy`,
    };
    await writePng(file.image, { width: size, height: size, channels: 1, bitDepth: 8, data: image });
    const ids = {
      width: size,
      height: size,
      channels: 1 as const,
      bitDepth: 16 as const,
      data: cells.instances,
    };
    await writePng(file.labels, ids);
    await writeNpy(file.imageNpy, { shape: [size, size], data: image });
    await writeNpy(file.labelsNpy, { shape: [size, size], data: cells.instances });
    files.push(file);
  }
  return files;
}
