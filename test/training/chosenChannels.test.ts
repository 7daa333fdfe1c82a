import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { StudioService } from '../../src/app/studioService';
import { encodeTiffSync, modelFolder, readImage, readNpy } from '../../src/engine/index';
import type { RunInfo } from '../../src/shared/apiModels';
import { runCli } from '../support/cli';
import { openProjectService, type ProjectService } from '../support/projectService';

// A real training child (a tiny U-Net, a few steps) on 2 of the 3 channels of a 16-bit ImageJ
// hyperstack made here; then the app and the CLI predict the same file with its model.
let h: StudioService['handlers'];
let root: string;
let ctx: ProjectService;
beforeEach(async () => {
  ctx = await openProjectService('unet-train-channels-');
  ({ root } = ctx);
  h = ctx.service.handlers;
});
afterEach(() => ctx.dispose());

const W = 40;
const H = 36;

/** Channel 1: a bright disc on a ramp; channel 2: a checkerboard; channel 3: a vertical ramp. */
function hyperstack(): Uint8Array {
  const data = new Uint16Array(W * H * 3);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const inside = (x - 20) ** 2 + (y - 18) ** 2 < 100;
      data[i] = (inside ? 40_000 : 2_000) + 37 * x;
      data[i + 1] = ((x >> 2) + (y >> 2)) % 2 === 0 ? 60_000 : 100;
      data[i + 2] = 500 + 900 * y;
    }
  }
  return encodeTiffSync({ width: W, height: H, channels: 3, bitDepth: 16, data }, 'stack.tif', {
    layout: 'hyperstack',
  });
}

async function finished(runId: string): Promise<RunInfo> {
  const start = Date.now();
  for (;;) {
    const run = (await h.listRuns()).find((r) => r.runId === runId);
    if (run !== undefined && ['done', 'failed', 'stopped', 'interrupted'].includes(run.status)) return run;
    if (Date.now() - start > 150_000) throw new Error(`run ${runId} did not finish`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

describe('training on chosen channels', () => {
  it('a 2-channel model of a 3-channel hyperstack remembers its channels; app and CLI give the same mask', async () => {
    const bytes = hyperstack();
    const [plane] = (await h.uploadImage('stack.tif', bytes)).added;
    expect(plane.channels).toBe(3);
    const classes = new Uint8Array(W * H).map((_, i) =>
      ((i % W) - 20) ** 2 + (Math.floor(i / W) - 18) ** 2 < 100 ? 2 : 1,
    );
    const instances = new Uint16Array(W * H).map((_, i) => (classes[i] === 2 ? 1 : 0));
    await h.saveAnnotationPatch(plane.id, { x: 0, y: 0, w: W, h: H, classes, instances });
    const started = await h.startTraining({
      imageIds: [plane.id],
      valFraction: 0,
      preset: 'fast',
      channels: [0, 2],
      advanced: { steps: 4, tileSize: 44, baseFilters: 2, depth: 2, augmentation: false, seed: 3 },
    });
    const run = await finished(started.runId);
    expect(run.message).toBeNull();
    expect(run.status).toBe('done');
    const modelId = run.modelIds[0];
    expect(modelId).toBeDefined();

    // The model folder itself says which source channels it takes.
    const folder = modelFolder(join(root, 'p'), modelId);
    const metadata = JSON.parse(await readFile(join(folder, 'metadata.json'), 'utf8'));
    expect(metadata.architecture.inputChannels).toBe(2);
    expect(metadata.inputChannels).toEqual([{ index: 0 }, { index: 2 }]);
    const listed = (await h.listModels()).find((m) => m.modelId === modelId);
    expect(listed?.label).toMatch(/, channels 1, 3\)$/);

    const job = await h.predictImages(modelId, { imageIds: [plane.id] });
    expect(await ctx.jobEnd(job.jobId)).toMatchObject({ kind: 'done' });
    const app = await h.getPrediction(modelId, plane.id);

    // The CLI, with only the model folder (no run.json), on the original file.
    const images = join(root, 'cli-in');
    await mkdir(images);
    await writeFile(join(images, 'stack.tif'), bytes);
    const out = join(root, 'cli-out');
    const cli = await runCli(
      ['predict', '--model', folder, '--images', images, '--out', out, '--probabilities', 'npy'],
      { timeoutMs: 120_000 },
    );
    expect(cli.stderr).toBe('');
    expect(cli.code).toBe(0);
    const mask = await readImage(join(out, 'stack.png'));
    expect(mask).toMatchObject({ width: W, height: H, channels: 1 });
    expect(Array.from(mask.data)).toEqual(Array.from(app.classes, (c) => c * 255));
    // Not only the argmax: the foreground probability of every pixel agrees.
    const probabilities = await readNpy(join(out, 'stack_prob.npy'));
    expect(probabilities.shape).toEqual([H, W]);
    const cliForeground = Array.from(probabilities.data);
    const diff = Math.max(...cliForeground.map((f, i) => Math.abs(f - app.foreground[i])));
    expect(diff).toBeLessThan(1e-5);

    // Retraining that model (the form choosing no channels) keeps its channels.
    const again = await h.startTraining({
      imageIds: [plane.id],
      valFraction: 0,
      preset: 'fast',
      initFromModel: modelId,
      advanced: { steps: 2 },
    });
    const retrained = await finished(again.runId);
    expect(retrained.message).toBeNull();
    expect(retrained.request.channels).toEqual([0, 2]);
    const retrainedFolder = modelFolder(join(root, 'p'), retrained.modelIds[0]);
    const retrainedMeta = JSON.parse(await readFile(join(retrainedFolder, 'metadata.json'), 'utf8'));
    expect(retrainedMeta.inputChannels).toEqual([{ index: 0 }, { index: 2 }]);

    // A 1-channel image lacks channel 3: a clear error, naming the image and the channel.
    const gray = encodeTiffSync(
      { width: W, height: H, channels: 1, bitDepth: 8, data: new Uint8Array(W * H) },
      'g',
    );
    await writeFile(join(images, 'stack.tif'), gray);
    const bad = await runCli(['predict', '--model', folder, '--images', images, '--out', out], {
      timeoutMs: 120_000,
    });
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain(
      'stack.tif has 1 channel, but the model takes channel 3 (it was trained on channels 1, 3).',
    );
  }, 300_000);
});
