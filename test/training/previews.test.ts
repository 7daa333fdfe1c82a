import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  foregroundProbability,
  matchTrainingPairs,
  openModelPredictor,
  previewPath,
  readImage,
  readPreviewFile,
  type TrainConfigInput,
  TrainingPreviews,
  train,
} from '../../src/engine/index';
import type { TrainingEvent } from '../../src/shared/jobs';
import { writeDiscDataset } from './syntheticData';

let root: string;
let images: TrainConfigInput['images'];
let image: string;
let other: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'previews-test-'));
  const data = await writeDiscDataset(join(root, 'data'), { count: 3, width: 48, height: 40 });
  images = (await matchTrainingPairs(data.images, data.labels)).pairs;
  image = join(data.images, 'img1.png');
  other = join(data.images, 'img2.png');
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('previews computed by the training run', () => {
  it('writes a preview of each watched image at every checkpoint and validation, from the weights it holds', async () => {
    const outDir = join(root, 'run');
    const written: { imageId: string; step: number }[] = [];
    // img1 is watched: like the Train tab, it asks again each time it fetches a preview.
    // img2 was asked for once, then its page went away.
    const previews: TrainingPreviews = new TrainingPreviews(outDir, (imageId, step) => {
      written.push({ imageId, step });
      if (imageId === 'img1') previews.request({ imageId: 'img1', path: image });
    });
    previews.request({ imageId: 'img2', path: other });
    previews.request({ imageId: 'img1', path: image });
    expect(() => previews.request({ imageId: '../escape', path: image })).toThrow(/cannot name/);
    const events: TrainingEvent[] = [];
    const before = tf.memory().numTensors;
    await train(
      {
        images,
        outDir,
        architecture: { depth: 2, baseFilters: 8, dropout: 0 },
        tileSize: 60,
        batch: 2,
        steps: 12,
        valFraction: 0.34,
        validateEverySteps: 8,
        checkpointEverySteps: 5,
        backend: 'wasm',
        seed: 3,
      },
      { signal: new AbortController().signal, onEvent: (e) => events.push(e), previews },
    );
    expect(tf.memory().numTensors).toBe(before);
    // Checkpoints at 5, 10 and the end (12); a validation at 8 (and at the end, same step).
    expect(written.filter((w) => w.imageId === 'img1').map((w) => w.step)).toEqual([5, 8, 10, 12]);
    // Nobody asked for img2 again: one preview, then nothing spent on it.
    expect(written.filter((w) => w.imageId === 'img2').map((w) => w.step)).toEqual([5]);
    // Previews are not part of the run's log of events.
    expect(events.some((e) => e.kind === 'preview')).toBe(false);

    const preview = await readPreviewFile(previewPath(outDir, 'img1'));
    expect(preview).toMatchObject({ step: 12, width: 48, height: 40, classCount: 2 });
    // Independently: the final model folder (the step-12 weights) through the inference pipeline.
    const model = await openModelPredictor(join(outDir, 'model'), { backend: 'onnx', threads: 1 });
    const expected = await model.predict(await readImage(image));
    await model.dispose();
    const fg = foregroundProbability(expected.probabilities, 2);
    let same = 0;
    for (let i = 0; i < 48 * 40; i++) {
      if (preview!.classes[i] === expected.classes[i]) same++;
      expect(Math.abs(preview!.foreground[i] - fg[i])).toBeLessThan(0.5 / 255 + 1e-4);
    }
    expect(same).toBe(48 * 40);
  }, 240_000);
});
