import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openProjectService, type ProjectService } from '../../../test/support/projectService';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { legalInputSizes } from '../../engine/index';
import type { StudioService } from '../studioService';

const hyperstack = join(__dirname, '../../../test/fixtures/tiff/imagej-hyperstack.tif');
let h: StudioService['handlers'];
let root: string;
let ctx: ProjectService;
let jobEnd: ProjectService['jobEnd'];
beforeEach(async () => {
  await tf.setBackend('cpu');
  ctx = await openProjectService('unet-channels-');
  ({ root, jobEnd } = ctx);
  h = ctx.service.handlers;
});
afterEach(() => ctx.dispose());

describe('channels chosen for training', () => {
  it('a model predicts with its run’s channels, and names an image that lacks one', async () => {
    const [plane] = (await h.uploadImage('hs.tif', new Uint8Array(await readFile(hyperstack)))).added;
    expect(plane.channels).toBe(3);
    const gray = encode({ width: 64, height: 48, data: new Uint8Array(64 * 48), depth: 8, channels: 1 });
    const [single] = (await h.uploadImage('gray.png', gray)).added;
    // A run that trained on channel 3 only: its run.json and a 1-channel model.
    const run = join(root, 'p', 'runs', 'run_chan0001');
    const architecture = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    const metadata = tinyModelMetadata(architecture, legalInputSizes(2, 40, 100)[0], {
      scale: 65535,
      mean: [0.1],
      std: [0.1],
    });
    await saveTinyModel(join(run, 'best'), metadata, 5);
    const request = { imageIds: [plane.id], valFraction: 0, preset: 'fast', advanced: {}, channels: [2] };
    const record = {
      version: 1,
      runId: 'run_chan0001',
      createdAt: '2026-01-01T00:00:00Z',
      request,
      imageNames: ['hs.tif'],
      config: {},
    };
    await writeFile(join(run, 'run.json'), JSON.stringify(record));

    const ok = await h.predictImages('run_chan0001.best', { imageIds: [plane.id] });
    expect(await jobEnd(ok.jobId)).toMatchObject({ kind: 'done' });
    // The same weights in a run without a channel choice, on channel 3 of plane (z 0, t 0) as a
    // plain 16-bit image (value x + 3y + 200), must predict exactly the same.
    const plain = join(root, 'p', 'runs', 'run_chan0002');
    await saveTinyModel(join(plain, 'best'), metadata, 5);
    const { channels: _, ...unchosen } = request;
    await writeFile(
      join(plain, 'run.json'),
      JSON.stringify({ ...record, runId: 'run_chan0002', request: unchosen }),
    );
    const third = Uint16Array.from({ length: 64 * 48 }, (_, i) => (i % 64) + 3 * Math.floor(i / 64) + 200);
    const [alone] = (
      await h.uploadImage('third.png', encode({ width: 64, height: 48, data: third, depth: 16, channels: 1 }))
    ).added;
    const reference = await h.predictImages('run_chan0002.best', { imageIds: [alone.id] });
    expect(await jobEnd(reference.jobId)).toMatchObject({ kind: 'done' });
    const fromPlane = await h.getPrediction('run_chan0001.best', plane.id);
    const fromAlone = await h.getPrediction('run_chan0002.best', alone.id);
    expect(fromPlane.foreground).toEqual(fromAlone.foreground);
    const bad = await h.predictImages('run_chan0001.best', { imageIds: [single.id] });
    expect(await jobEnd(bad.jobId)).toMatchObject({
      kind: 'failed',
      error: {
        code: 'incompatible_model',
        message: 'gray.png has 1 channel, but channel 3 is needed (channels 3 were chosen for training).',
      },
    });
  });

  it('refuses to start a run on an image without a chosen channel, naming it', async () => {
    const gray = encode({ width: 8, height: 8, data: new Uint8Array(64), depth: 8, channels: 1 });
    const [single] = (await h.uploadImage('gray.png', gray)).added;
    await h.saveAnnotationPatch(single.id, {
      x: 0,
      y: 0,
      w: 8,
      h: 8,
      classes: new Uint8Array(64).fill(1),
      instances: new Uint16Array(64),
    });
    await expect(
      h.startTraining({ imageIds: [single.id], valFraction: 0, preset: 'fast', advanced: {}, channels: [1] }),
    ).rejects.toThrow('gray.png has 1 channel(s); channels 2 were chosen: leave it out or choose others.');
  });
});
