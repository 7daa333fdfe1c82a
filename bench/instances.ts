// `npm run bench -- instances --model RUN_OR_MODEL [--seed tune] [--count 10]`
// Tunes the watershed that splits touching objects (instances/predictedObjects) on synthetic
// nuclei the model has not seen (bench/_nuclei.ts, seed --seed): predicts their foreground
// probability once, then for a grid of minDepth x relativeDepth x minArea writes the instance
// images and scores object F1 at IoU 0.5 with the independent scorer
// (bench/reference/score_masks.py). Connected components are the baseline row; the first rows
// split the truth's own foreground mask (the splitter's ceiling without a learnt border).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import {
  type InstanceOptions,
  predictedObjects,
  predictFiles,
  readImage,
  readNpy,
  writePng,
} from '../src/engine/index';
import { benchRoot, type Cell, printTable, writeResults } from './_common';
import { writeNucleiSet } from './_nuclei';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    seed: { type: 'string', default: 'tune' },
    count: { type: 'string', default: '10' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
if (values.model === undefined) throw new Error('--model RUN_OR_MODEL is required');
const work = mkdtempSync(join(tmpdir(), 'instances-'));
const data = await writeNucleiSet(join(work, 'data'), values.seed!, 0, Number(values.count));
const predicted = await predictFiles({
  model: values.model,
  inputs: data.names.map((n) => join(data.images, `${n}.png`)),
  outDir: join(work, 'pred'),
  probabilities: 'npy',
  backend: 'onnx',
});
const predictedImages = await Promise.all(
  predicted.files.map(async (f) => ({
    mask: await readImage(f.mask),
    foreground: (await readNpy(f.probabilities as string)).data as Float32Array | null,
  })),
);
// The splitter's ceiling: the truth's own foreground mask, no probability.
const truthImages = await Promise.all(
  data.names.map(async (n) => ({ mask: await readImage(join(data.labels, `${n}.png`)), foreground: null })),
);
let images: { mask: Awaited<ReturnType<typeof readImage>>; foreground: Float32Array | null }[] =
  predictedImages;

async function score(options: InstanceOptions): Promise<Record<string, number>> {
  const out = join(work, 'grid');
  rmSync(out, { recursive: true, force: true });
  mkdirSync(out, { recursive: true });
  for (const [i, { mask, foreground }] of images.entries()) {
    const { width, height } = mask;
    const classes = Uint8Array.from(mask.data, (v) => (v > 0 ? 1 : 0));
    const { labels } = predictedObjects(classes, foreground, width, height, options);
    const data16 = Uint16Array.from(labels);
    await writePng(join(out, `${data.names[i]}.png`), {
      width,
      height,
      channels: 1,
      bitDepth: 16,
      data: data16,
    });
  }
  const script = join(benchRoot, 'bench', 'reference', 'score_masks.py');
  const r = spawnSync(values.python!, [script, 'objects', '--pred', out, '--truth', data.labels], {
    encoding: 'utf8',
  });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Record<string, number>;
}

const rows: Record<string, Cell>[] = [];
const oracle: InstanceOptions[] = [{ method: 'components' }, {}];
images = truthImages;
for (const options of oracle) {
  const s = await score(options);
  rows.push({
    input: 'truth mask',
    method: options.method ?? 'watershed (defaults)',
    'object F1': s.objectF1,
  });
}
images = predictedImages;
const grid: InstanceOptions[] = [{ method: 'components' }];
for (const minDepth of [0.5, 1, 2, 3])
  for (const relativeDepth of [0, 0.1, 0.2, 0.35])
    for (const minArea of [0, 15]) grid.push({ minDepth, relativeDepth, minArea });
for (const options of grid) {
  const s = await score(options);
  rows.push({
    input: 'prediction',
    method: options.method ?? 'watershed',
    minDepth: options.minDepth,
    relativeDepth: options.relativeDepth,
    minArea: options.minArea,
    'object F1': s.objectF1,
    precision: s.objectPrecision,
    recall: s.objectRecall,
    predicted: s.predictedObjects,
    truth: s.truthObjects,
  });
}
printTable(rows, [
  'input',
  'method',
  'minDepth',
  'relativeDepth',
  'minArea',
  'object F1',
  'precision',
  'recall',
  'predicted',
  'truth',
]);
console.log(`results: ${writeResults('instances', { model: values.model, seed: values.seed, rows })}`);
rmSync(work, { recursive: true, force: true });
