import { fork } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { modelFolder, readPrediction, writePrediction } from '../../engine/index';
import type { PredictionEvent } from '../../shared/jobs';
import { WorkProcess } from './WorkProcess';

// The real work process (workChild.ts under tsx): one for the whole file, as the app keeps one.
let root: string;
let work: WorkProcess;
const MODEL = 'run_work0001.last';
const W = 30;
const H = 20;
const image = { id: 'img_0000000000aa', name: 'a.png', file: 'a.png', page: 0 };

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-work-'));
  await mkdir(join(root, 'images'), { recursive: true });
  const pixels = new Uint8Array(W * H).map((_, i) => (i * 7) % 256);
  await writeFile(
    join(root, 'images', 'a.png'),
    encode({ width: W, height: H, data: pixels, depth: 8, channels: 1 }),
  );
  const config = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
  await saveTinyModel(
    modelFolder(root, MODEL),
    tinyModelMetadata(config, 28, { scale: 255, mean: [0.5], std: [0.25] }),
    4,
  );
  work = new WorkProcess();
  work.warm();
});
afterAll(async () => {
  await work.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('the work process', () => {
  it('predicts project images there: events come back, the prediction is stored', async () => {
    const events: PredictionEvent[] = [];
    const result = await work.run(
      {
        kind: 'predictImages',
        task: { projectDir: root, jobId: 'job_test0001', modelId: MODEL, images: [image] },
      },
      { onEvent: (e) => events.push(e) },
    );
    expect(result).toMatchObject({ modelId: MODEL, imageIds: [image.id], predicted: 1 });
    expect(events[0]).toMatchObject({ kind: 'started', jobId: 'job_test0001' });
    expect(events.at(-1)).toMatchObject({ kind: 'progress', step: 1, totalSteps: 1, fraction: 1 });
    const stored = await readPrediction(root, MODEL, image.id, 2);
    expect([stored.width, stored.height]).toEqual([W, H]);
  });

  it('takes and gives typed arrays as typed arrays (structured clone)', async () => {
    const classes = new Uint8Array(W * H).map((_, i) => (i % W < 15 ? 1 : 2));
    const instances = new Uint16Array(W * H).map((_, i) => (i % W < 15 ? 0 : 1));
    const truth = { width: W, height: H, classes, instances };
    await writePrediction(root, 'run_work0002.last', image.id, {
      width: W,
      height: H,
      classCount: 2,
      classes: classes.map((c) => c - 1),
      foreground: new Float32Array(W * H),
    });
    const result = await work.run({
      kind: 'scoreImages',
      task: {
        projectDir: root,
        models: [{ modelId: 'run_work0002.last', classes: 2 }],
        images: [{ imageId: image.id, name: image.name, annotation: truth }],
      },
    });
    expect(result.rows[0].scores[0]).toMatchObject({ iou: 1, pixelError: 0 });
    const preview = await work.run({
      kind: 'runPreview',
      task: { projectDir: root, runId: 'run_work0001', modelIds: [MODEL], image },
    });
    expect(preview.source).toBe(MODEL);
    expect(preview.prediction.classes).toBeInstanceOf(Uint8Array);
    expect(preview.prediction.foreground).toBeInstanceOf(Float32Array);
    expect(preview.prediction.classes.length).toBe(W * H);
  });

  it('cancels work through the signal, and reports the AppError of failed work', async () => {
    const controller = new AbortController();
    const running = work.run(
      {
        kind: 'predictImages',
        task: { projectDir: root, jobId: 'job_test0002', modelId: MODEL, images: [image, image] },
      },
      { signal: controller.signal },
    );
    controller.abort();
    await expect(running).rejects.toMatchObject({ code: 'cancelled' });
    await expect(
      work.run({
        kind: 'predictImages',
        task: { projectDir: root, jobId: 'j', modelId: 'run_none0001.last', images: [image] },
      }),
    ).rejects.toMatchObject({ code: 'not_found' });
  });

  it('fails the work in flight when the process dies, and starts a new one for the next', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'unet-work-crash-'));
    const script = join(dir, 'child.mjs');
    // A stand-in child that dies on its first piece of work and answers the second.
    await writeFile(
      script,
      `process.on('message', (m) => {
  if (m.type !== 'run') return;
  if (process.env.CRASHED === undefined) process.exit(3);
  process.send({ type: 'result', id: m.id, value: { modelIds: [], rows: [], set: [], missing: [] } });
});`,
    );
    let starts = 0;
    const crashing = new WorkProcess(() => {
      starts++;
      return fork(script, [], {
        stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
        serialization: 'advanced',
        env: starts === 1 ? { ...process.env } : { ...process.env, CRASHED: '1' },
      });
    });
    const task = { kind: 'scoreImages' as const, task: { projectDir: dir, models: [], images: [] } };
    await expect(crashing.run(task)).rejects.toMatchObject({
      code: 'internal',
      message: 'The work process exited with code 3 before the work was done.',
    });
    expect(await crashing.run(task)).toEqual({ modelIds: [], rows: [], set: [], missing: [] });
    expect(starts).toBe(2);
    await crashing.dispose();
    await rm(dir, { recursive: true, force: true });
  });
});
