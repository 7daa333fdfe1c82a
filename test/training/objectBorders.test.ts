import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  matchTrainingPairs,
  openModelPredictor,
  predictedObjects,
  predictFiles,
  previewPath,
  readImage,
  readPreviewFile,
  TrainingPreviews,
  train,
  writePng,
} from '../../src/engine/index';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'object-borders-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

const SIZE = 64;

/**
 * Pairs of nuclei pressed together (centres 0.8 x the sum of the radii apart, so their union
 * has hardly a waist), brighter in the centre like stained nuclei, with 16-bit instance labels:
 * each pixel belongs to the nearer centre (relative to its radius).
 */
async function writePairs(dir: string, count: number, seed: string) {
  const images = join(dir, 'images');
  const labels = join(dir, 'labels');
  await mkdir(images, { recursive: true });
  await mkdir(labels, { recursive: true });
  const rng = seedrandom(seed);
  const truths: Int32Array[] = [];
  for (let k = 0; k < count; k++) {
    const discs: { x: number; y: number; r: number }[] = [];
    for (const [cx, cy] of [
      [18, 18],
      [46, 24],
      [26, 48],
    ]) {
      const r1 = 6 + rng() * 2;
      const r2 = 6 + rng() * 2;
      const angle = rng() * Math.PI;
      const d = 0.8 * (r1 + r2);
      const x = cx + (rng() - 0.5) * 4;
      const y = cy + (rng() - 0.5) * 4;
      discs.push({ x: x - (Math.cos(angle) * d) / 2, y: y - (Math.sin(angle) * d) / 2, r: r1 });
      discs.push({ x: x + (Math.cos(angle) * d) / 2, y: y + (Math.sin(angle) * d) / 2, r: r2 });
    }
    const pixels = new Uint8Array(SIZE * SIZE);
    const ids = new Uint16Array(SIZE * SIZE);
    for (let y = 0; y < SIZE; y++) {
      for (let x = 0; x < SIZE; x++) {
        let best = 0;
        let nearest = 1.0;
        discs.forEach((d, id) => {
          const t = Math.hypot(x - d.x, y - d.y) / d.r;
          if (t <= 1 && t < nearest) {
            nearest = t;
            best = id + 1;
          }
        });
        ids[y * SIZE + x] = best;
        const brightness = best === 0 ? 40 : 230 - 110 * nearest * nearest;
        pixels[y * SIZE + x] = Math.max(0, Math.min(255, Math.round(brightness + (rng() - 0.5) * 30)));
      }
    }
    const name = `pair${k}`;
    await writePng(join(images, `${name}.png`), {
      width: SIZE,
      height: SIZE,
      channels: 1,
      bitDepth: 8,
      data: pixels,
    });
    await writePng(join(labels, `${name}.png`), {
      width: SIZE,
      height: SIZE,
      channels: 1,
      bitDepth: 16,
      data: ids,
    });
    truths.push(Int32Array.from(ids));
  }
  return { images, labels, truths };
}

/** Objects matched one to one at IoU > 0.5 (each truth object overlaps at most one such prediction). */
function matchedObjects(
  predicted: Int32Array,
  truth: Int32Array,
): { matched: number; predicted: number; truth: number } {
  const overlap = new Map<string, number>();
  const area = (ids: Int32Array) => {
    const m = new Map<number, number>();
    for (const id of ids) if (id !== 0) m.set(id, (m.get(id) ?? 0) + 1);
    return m;
  };
  for (let i = 0; i < truth.length; i++) {
    if (predicted[i] === 0 || truth[i] === 0) continue;
    const key = `${predicted[i]}:${truth[i]}`;
    overlap.set(key, (overlap.get(key) ?? 0) + 1);
  }
  const p = area(predicted);
  const t = area(truth);
  let matched = 0;
  for (const [key, both] of overlap) {
    const [a, b] = key.split(':').map(Number);
    if (both / ((p.get(a) ?? 0) + (t.get(b) ?? 0) - both) > 0.5) matched++;
  }
  return { matched, predicted: p.size, truth: t.size };
}

describe('training with object borders', () => {
  it('learns the outline class and splits pressed-together nuclei', async () => {
    const data = await writePairs(join(root, 'train'), 6, 'pairs');
    const pairs = (await matchTrainingPairs(data.images, data.labels)).pairs;
    const runDir = join(root, 'run');
    // A watched image's training preview, as the app asks for one.
    const previews = new TrainingPreviews(runDir, () => {});
    const messages: string[] = [];
    previews.request({ imageId: 'watched', path: join(data.images, 'pair0.png') });
    const result = await train(
      {
        images: pairs,
        outDir: runDir,
        // Left to the fast preset: its labels hold touching objects, so it learns their borders.
        architecture: { depth: 2, baseFilters: 8, dropout: 0 },
        tileSize: 76,
        batch: 2,
        steps: 150,
        optimizer: 'adam',
        learningRate: 0.01,
        valFraction: 0.2,
        validateEverySteps: 50,
        backend: 'wasm',
        seed: 2,
      },
      {
        signal: new AbortController().signal,
        onEvent: (e) => {
          if (e.kind === 'progress' && e.message !== undefined) messages.push(e.message);
        },
        previews,
      },
    );
    expect(result.status).toBe('done');
    expect(messages).toContainEqual(
      expect.stringMatching(/^note: object borders: on, labelled objects touch \(pair\d\.png\)/),
    );
    // The preview shows foreground = interior + border, with the interior to split objects by.
    const preview = await readPreviewFile(previewPath(runDir, 'watched'));
    expect(preview?.classCount).toBe(2);
    expect(new Set(preview?.classes)).toEqual(new Set([0, 1]));
    expect(preview?.interior).toHaveLength(SIZE * SIZE);
    const metadata = JSON.parse(await readFile(join(runDir, 'model', 'metadata.json'), 'utf8'));
    expect(metadata.objectBorders).toBe(true);
    expect(metadata.architecture.classes).toBe(3);
    expect(metadata.classes.map((c: { name: string }) => c.name)).toEqual([
      'background',
      'object',
      'object border',
    ]);

    // A held-out image, predicted as the app does: two classes and the interior probability.
    const held = await writePairs(join(root, 'held'), 1, 'held-out');
    const image = await readImage(join(held.images, 'pair0.png'));
    const model = await openModelPredictor(join(runDir, 'model'), { backend: 'tfjs' });
    let p: Awaited<ReturnType<typeof model.predict>>;
    try {
      expect(model.classCount).toBe(2);
      p = await model.predict(image);
    } finally {
      await model.dispose();
    }
    expect(p.probabilities).toHaveLength(2 * SIZE * SIZE);
    expect(new Set(p.classes)).toEqual(new Set([0, 1]));
    const interior = p.interior as Float32Array;
    const foreground = Float32Array.from({ length: SIZE * SIZE }, (_, i) => p.probabilities[2 * i + 1]);
    const truth = held.truths[0];
    let agree = 0;
    for (let i = 0; i < truth.length; i++) if (truth[i] > 0 === (p.classes[i] === 1)) agree++;
    expect(agree / truth.length).toBeGreaterThan(0.9);

    // Split along the predicted borders, against patches of foreground (each pair one patch).
    const split = predictedObjects(p.classes, foreground, SIZE, SIZE, { interior });
    const patches = predictedObjects(p.classes, null, SIZE, SIZE, { method: 'components' });
    const withBorders = matchedObjects(split.labels, truth);
    expect(withBorders.truth).toBe(6);
    expect(withBorders.matched).toBeGreaterThanOrEqual(5);
    expect(withBorders.predicted).toBeLessThanOrEqual(7);
    expect(matchedObjects(patches.labels, truth).matched).toBeLessThan(withBorders.matched);

    // The CLI's and the app's folder prediction writes the same split objects.
    const out = join(root, 'out');
    await predictFiles({
      model: runDir,
      inputs: [join(held.images, 'pair0.png')],
      outDir: out,
      instances: 'watershed',
      backend: 'tfjs',
    });
    const mask = await readImage(join(out, 'pair0.png'));
    expect(new Set(mask.data)).toEqual(new Set([0, 255]));
    const written = await readImage(join(out, 'pair0_instances.png'));
    expect(matchedObjects(Int32Array.from(written.data), truth).matched).toBe(withBorders.matched);
  }, 240_000);
});
