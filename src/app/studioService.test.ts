import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { decode, encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  createUNet,
  modelFolder,
  nearestLegalInputSize,
  readImage,
  saveModelFolder,
  writePrediction,
} from '../engine/index';
import type { ApiEventMessage } from '../shared/api';
import type { JobUpdate } from '../shared/jobs';
import { createStudioService, type StudioService } from './studioService';

let root: string;
let service: StudioService;
const events: JobUpdate[] = [];
const MODEL = 'run_test0001.last';

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-models-'));
  service = createStudioService({
    shell: 'browser',
    version: 'test',
    workspaceRoot: root,
    env: { UNET_STUDIO_CONFIG_DIR: join(root, '.config') },
    // The use cases here; the work process itself is tested in work/WorkProcess.test.ts.
    work: 'in-process',
  });
  events.length = 0;
  service.subscribe((m: ApiEventMessage) => {
    if (m.event === 'jobEvent') events.push(m.payload);
  });
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

const W = 8;
const H = 6;

/** 8x6 image a.png (gradient) and b.png; a annotated: cols 0-3 background, cols 4-7 cell #1, row 5 unlabelled. */
async function setUp(): Promise<{ a: string; b: string; dir: string }> {
  const h = service.handlers;
  const project = await h.createProject(join(root, 'p'), 'p');
  const pixels = new Uint8Array(W * H).map((_, i) => (i * 5) % 256);
  const png = encode({ width: W, height: H, data: pixels, depth: 8, channels: 1 });
  const a = (await h.uploadImage('a.png', png)).added[0].id;
  const b = (await h.uploadImage('b.png', png)).added[0].id;
  const classes = new Uint8Array(W * H);
  const instances = new Uint16Array(W * H);
  for (let y = 0; y < 5; y++) {
    for (let x = 0; x < W; x++) {
      classes[y * W + x] = x < 4 ? 1 : 2;
      instances[y * W + x] = x < 4 ? 0 : 1;
    }
  }
  await h.saveAnnotationPatch(a, { x: 0, y: 0, w: W, h: H, classes, instances });
  // A tiny model: depth 1, 2 filters (the network's own output is checked in the prediction test).
  const tile = nearestLegalInputSize(1, 24, 'up');
  const unet = createUNet({ depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 }, tile, 7);
  await saveModelFolder(modelFolder(project.dir, MODEL), unet, {
    format: 'unet-studio-model',
    version: 1,
    architecture: unet.config,
    tileSize: tile,
    classes: [
      { name: 'background', color: '#000000' },
      { name: 'cell', color: '#ffffff' },
    ],
    normalization: { scale: 255, mean: [0.5], std: [0.25] },
    provenance: { createdAt: '2026-01-01T00:00:00Z', steps: 3 },
  });
  unet.dispose();
  return { a, b, dir: project.dir };
}

/** Hand-made prediction of a: foreground = columns 3..7 on every row (one object). */
async function writeHandPrediction(dir: string, imageId: string): Promise<void> {
  const classes = new Uint8Array(W * H).map((_, i) => (i % W >= 3 ? 1 : 0));
  const foreground = Float32Array.from(classes, (c) => (c ? 0.9 : 0.1));
  await writePrediction(dir, MODEL, imageId, { width: W, height: H, classCount: 2, classes, foreground });
}

async function waitFor(kind: JobUpdate['kind'], jobId: string): Promise<JobUpdate> {
  for (let i = 0; i < 400; i++) {
    const hit = events.find((e) => e.jobId === jobId && (e.kind === kind || e.kind === 'failed'));
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${kind} event for ${jobId}`);
}

describe('model handlers', () => {
  it('lists the model, predicts project images as a job, and stores what the network computes', async () => {
    const { a, b, dir } = await setUp();
    const h = service.handlers;
    // A model folder whose metadata.json lacks fields is not a model the catalogue lists.
    const broken = modelFolder(dir, 'run_test0003.best');
    await mkdir(broken, { recursive: true });
    await writeFile(
      join(broken, 'metadata.json'),
      JSON.stringify({ format: 'unet-studio-model', version: 1 }),
    );
    const models = await h.listModels();
    expect(models.map((m) => [m.modelId, m.classes, m.steps])).toEqual([[MODEL, 2, 3]]);
    const before = tf.memory().numTensors;
    const { jobId } = await h.predictImages(MODEL, { imageIds: [a, b] });
    const done = await waitFor('done', jobId);
    expect(done.kind).toBe('done');
    expect(events.filter((e) => e.jobId === jobId).map((e) => e.kind)[0]).toBe('started');
    const progress = events.filter((e) => e.jobId === jobId && e.kind === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 2, totalSteps: 2, fraction: 1 });
    // A prediction job's events say so, and its result is typed.
    expect(events.filter((e) => e.jobId === jobId).every((e) => e.jobKind === 'prediction')).toBe(true);
    expect(done).toMatchObject({ result: { modelId: MODEL, imageIds: [a, b], predicted: 2 } });
    expect(tf.memory().numTensors).toBe(before);
    const p = await h.getPrediction(MODEL, a);
    expect([p.width, p.height, p.classCount]).toEqual([W, H, 2]);
    // Classes are the arg-max: foreground exactly where P(fg) > 0.5.
    for (let i = 0; i < W * H; i++) expect(p.classes[i]).toBe(p.foreground[i] > 0.5 ? 1 : 0);
    await expect(h.getPrediction('run_none0001.last', a)).rejects.toMatchObject({ code: 'not_found' });
    // Test-time augmentation through the API: the stored foreground is the mean of the 8 flips and
    // rotations of the plain prediction path (the tiny image is predicted in one tile per pass).
    const tta = await h.predictImages(MODEL, { imageIds: [a], tta: true });
    expect(await waitFor('done', tta.jobId)).toMatchObject({ kind: 'done', result: { tta: true } });
    const averaged = await h.getPrediction(MODEL, a);
    let differs = false;
    for (let i = 0; i < W * H; i++) {
      expect(averaged.classes[i]).toBe(averaged.foreground[i] > 0.5 ? 1 : 0);
      if (Math.abs(averaged.foreground[i] - p.foreground[i]) > 1e-4) differs = true;
    }
    expect(differs).toBe(true);
  });

  it('splits touching objects of a stored prediction (watershed on the foreground probability)', async () => {
    const { a, dir } = await setUp();
    // One connected patch whose probability drops along column 4 (as between touching cells).
    const classes = new Uint8Array(W * H).map((_, i) => (i % W >= 1 ? 1 : 0));
    const foreground = Float32Array.from(classes, (c, i) => (c === 0 ? 0.1 : i % W === 4 ? 0.01 : 1));
    await writePrediction(dir, MODEL, a, { width: W, height: H, classCount: 2, classes, foreground });
    const p = await service.handlers.getPrediction(MODEL, a);
    expect(p.objects).toBe(2);
    expect(p.instances[2 * W + 2]).not.toBe(p.instances[2 * W + 6]);
  });

  it('cancels a prediction job: a cancelled event, nothing stored', async () => {
    const { a, b } = await setUp();
    const h = service.handlers;
    const { jobId } = await h.predictImages(MODEL, { imageIds: [a, b] });
    await h.cancelJob(jobId);
    const end = await waitFor('cancelled', jobId);
    expect(end.kind).toBe('cancelled');
    expect(events.some((e) => e.jobId === jobId && e.kind === 'done')).toBe(false);
    await expect(h.getPrediction(MODEL, a)).rejects.toMatchObject({ code: 'not_found' });
  });

  it('compares two models on the same images, each scored on its own prediction', async () => {
    const { a, dir } = await setUp();
    await writeHandPrediction(dir, a);
    // Model B: a copy of the model folder whose stored prediction is exactly the truth's foreground.
    const second = 'run_test0002.last';
    await cp(modelFolder(dir, MODEL), modelFolder(dir, second), { recursive: true });
    const classes = new Uint8Array(W * H).map((_, i) => (i % W >= 4 ? 1 : 0));
    await writePrediction(dir, second, a, {
      width: W,
      height: H,
      classCount: 2,
      classes,
      foreground: new Float32Array(W * H),
    });
    const result = await service.handlers.compareModels([MODEL, second], null);
    expect(result.modelIds).toEqual([MODEL, second]);
    expect(result.rows[0].scores[0]!.iou).toBeCloseTo(0.8, 12);
    expect(result.rows[0].scores[1]).toMatchObject({ iou: 1, dice: 1, pixelError: 0, objectF1: 1 });
    expect(result.set[1]!.iou).toBe(1);
  });

  it('scores a prediction against the partial annotation (hand-computed)', async () => {
    const { a, b, dir } = await setUp();
    await writeHandPrediction(dir, a);
    const result = await service.handlers.compareModels([MODEL], null);
    // Labelled: rows 0-4 (40 px). Truth fg cols 4-7 (20), predicted fg cols 3-7 (25): IoU 20/25.
    expect(result.rows.map((r) => r.imageId)).toEqual([a]);
    const s = result.rows[0].scores[0]!;
    expect(s.iou).toBeCloseTo(0.8, 12);
    expect(s.dice).toBeCloseTo(40 / 45, 12);
    expect(s.pixelError).toBeCloseTo(5 / 40, 12);
    expect([s.objectF1, s.truthObjects, s.predictedObjects, s.randError]).toEqual([1, 1, 1, 0]);
    expect(result.set[0]).toEqual(s);
    const withB = await service.handlers.compareModels([MODEL], [a, b]);
    expect(withB.rows[1].scores).toEqual([null]);
    expect(withB.missing).toEqual([{ imageId: b, modelId: MODEL }]);
  });

  it('accepts a prediction whole or per object, and saves a per-object patch into the annotation', async () => {
    const { a, dir } = await setUp();
    await writeHandPrediction(dir, a);
    const h = service.handlers;
    const whole = await h.acceptPrediction(a, MODEL, {});
    expect([whole.x, whole.y, whole.w, whole.h, whole.objects, whole.saved]).toEqual([0, 0, W, H, 1, false]);
    for (let i = 0; i < W * H; i++) {
      expect(whole.classes[i]).toBe(i % W >= 3 ? 2 : 1);
      expect(whole.instances[i]).toBe(i % W >= 3 ? 2 : 0); // saved annotation uses id 1
    }
    const one = await h.acceptPrediction(a, MODEL, { objects: [1], save: true });
    expect([one.x, one.y, one.w, one.h, one.saved]).toEqual([3, 0, 5, H, true]);
    const saved = await h.getAnnotation(a);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const expected = x >= 3 ? [2, 2] : y < 5 ? [1, 0] : [0, 0];
        expect([saved.classes[i], saved.instances[i]]).toEqual(expected);
      }
    }
    await expect(h.acceptPrediction(a, MODEL, { objects: [2] })).rejects.toMatchObject({
      code: 'invalid_argument',
    });
  });

  it('exports binary PNG and instance TIFF masks with the image base names, and a CSV of objects', async () => {
    const { a, b, dir } = await setUp();
    await writeHandPrediction(dir, a);
    const h = service.handlers;
    const folder = join(root, 'out');
    // b is not predicted: it is reported, and a is written all the same.
    const png = await h.exportMasks({
      modelId: MODEL,
      imageIds: [a, b],
      folder,
      format: 'png',
      kind: 'binary',
    });
    expect(png.files).toEqual([join(folder, 'a.png')]);
    expect(png.skipped).toEqual([
      { imageId: b, name: 'b.png', reason: expect.stringMatching(/not predicted/) },
    ]);
    const mask = decode(await readFile(join(folder, 'a.png')));
    expect([mask.width, mask.height, mask.depth, mask.channels]).toEqual([W, H, 8, 1]);
    expect([...mask.data]).toEqual(Array.from({ length: W * H }, (_, i) => (i % W >= 3 ? 255 : 0)));
    const csv = await readFile(join(folder, 'objects.csv'), 'utf8');
    expect(csv.trim().split('\n')).toEqual([
      'image,mask_file,width,height,objects,foreground_px,mean_object_area_px,min_object_area_px,max_object_area_px',
      'a.png,a.png,8,6,1,30,30,30,30',
    ]);
    await h.exportMasks({ modelId: MODEL, imageIds: [a], folder, format: 'tif', kind: 'instances' });
    const tif = await readImage(join(folder, 'a.tif'));
    expect([tif.bitDepth, tif.width, tif.height]).toEqual([16, W, H]);
    expect([...tif.data]).toEqual(Array.from({ length: W * H }, (_, i) => (i % W >= 3 ? 1 : 0)));
    await expect(
      h.exportMasks({
        modelId: MODEL,
        imageIds: [a],
        folder: '/etc/elsewhere',
        format: 'png',
        kind: 'classes',
      }),
    ).rejects.toMatchObject({ code: 'forbidden_path' });
  });
});
