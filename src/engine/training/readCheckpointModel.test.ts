import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createUNet, nearestLegalInputSize } from '../model/index';
import { createOptimizer } from './optimizerState';
import { readCheckpointModel } from './readCheckpointModel';
import { writeRunCheckpoint } from './runCheckpoint';
import type { TrainConfig } from './trainConfig';
import { WeightAverage } from './weightAverage';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-ckpt-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('readCheckpointModel', () => {
  it('reads the weights a training checkpoint holds, and refuses files that do not match its manifest', async () => {
    const config = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    const tile = nearestLegalInputSize(1, 20, 'up');
    const unet = createUNet(config, tile, 3);
    const optimizer = createOptimizer({ kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999 });
    const normalization = { scale: 255, mean: [0.4], std: [0.2] };
    await writeRunCheckpoint(dir, unet, null, optimizer, {
      step: 17,
      elapsedSeconds: 1,
      rngState: null,
      settings: {
        architecture: config,
        tileSize: tile,
        batch: 1,
        optimizer: { kind: 'adam', learningRate: 1e-3, beta1: 0.9, beta2: 0.999 },
        schedule: { kind: 'constant', warmup: 0 },
        emaDecay: 0,
        normalization: 'meanStd',
      },
      normalization,
      bestValidationIoU: null,
      bestStep: null,
      config: {} as TrainConfig,
    });
    const read = await readCheckpointModel(dir);
    expect(read).not.toBeNull();
    expect(read!.step).toBe(17);
    expect(read!.metadata.architecture).toEqual(config);
    expect(read!.metadata.normalization).toEqual(normalization);
    const original = unet.getWeights();
    expect([...read!.weights.keys()].sort()).toEqual([...original.keys()].sort());
    for (const [name, w] of original) expect(read!.weights.get(name)).toEqual(w);
    await writeFile(join(dir, 'checkpoint', 'tensors.bin'), new Uint8Array(8));
    expect(await readCheckpointModel(dir)).toBeNull();
    expect(await readCheckpointModel(join(dir, 'nothing'))).toBeNull();
    optimizer.dispose();
    unet.dispose();
  });

  it('gives a preview the weight average, not the training weights, when the run keeps one', async () => {
    const config = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    const tile = nearestLegalInputSize(1, 20, 'up');
    const unet = createUNet(config, tile, 3);
    const other = createUNet(config, tile, 4);
    const average = WeightAverage.create(unet, 0.9, other.getWeights());
    other.dispose();
    const optimizer = createOptimizer({ kind: 'sgd', learningRate: 0.1, momentum: 0.9 });
    await writeRunCheckpoint(dir, unet, average, optimizer, {
      step: 5,
      elapsedSeconds: 1,
      rngState: null,
      settings: {
        architecture: config,
        tileSize: tile,
        batch: 1,
        optimizer: { kind: 'sgd', learningRate: 0.1, momentum: 0.9 },
        schedule: { kind: 'cosine', warmup: 0 },
        emaDecay: 0.9,
        normalization: 'percentile',
      },
      normalization: { kind: 'percentile', low: 1, high: 99.8, perChannel: true, epsilon: 1e-6 },
      bestValidationIoU: null,
      bestStep: null,
      config: {} as TrainConfig,
    });
    const read = await readCheckpointModel(dir);
    const averaged = average.unet.getWeights();
    const trained = unet.getWeights();
    for (const [name, w] of averaged) {
      expect(read!.weights.get(name)).toEqual(w);
      if (name.endsWith('/kernel')) expect(w.data).not.toEqual(trained.get(name)!.data);
    }
    optimizer.dispose();
    average.dispose();
    unet.dispose();
  });
});
