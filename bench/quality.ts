// `npm run bench -- quality [--minutes 20 | --steps N] [--protocol isbi,nuclei] [--variant NAME]
//                           [--train-args="--lr 2e-3 ..."] [--tta] [--isbi DIR] [--keep DIR]`
// Mask quality per training budget, scored by an independent numpy/scikit-image scorer
// (bench/reference/score_masks.py):
// - isbi: train on ISBI 2012 train images 0-24 (wasm backend, fast preset, the CLI as a user runs
//   it), predict the held-out 25-29 with best/ and with the final model/, report pixel error,
//   foreground IoU and Rand error.
// - nuclei: synthetic touching nuclei (bench/_nuclei.ts: 40 training, 10 held-out images of mixed
//   styles, 8/16-bit, inverted, stained), predict with --instances watershed and components, report
//   object F1 at IoU 0.5 and foreground IoU. Its labels hold touching nuclei, so the fast preset
//   learns object borders; `--train-args="--no-object-borders"` measures the run without them.
// --steps gives a step budget (quality per step does not depend on machine load; ablations),
// --minutes a time budget (the 20-minute protocol). Rows are printed as a Markdown table, appended
// to bench/results/quality-rows.jsonl and written to bench/results/quality.json.
import { spawnSync } from 'node:child_process';
import {
  appendFileSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { predictedObjects, readImage, writePng } from '../src/engine/index';
import { benchRoot, type Cell, printTable, writeResults } from './_common';
import { writeNucleiSet } from './_nuclei';

const { values } = parseArgs({
  options: {
    minutes: { type: 'string' },
    steps: { type: 'string' },
    protocol: { type: 'string', default: 'isbi,nuclei' },
    variant: { type: 'string', default: 'default' },
    'train-args': { type: 'string', default: '' },
    tta: { type: 'boolean', default: false },
    isbi: { type: 'string' },
    keep: { type: 'string' },
    python: { type: 'string', default: '/usr/bin/python3' },
  },
});
if (values.minutes === undefined && values.steps === undefined) values.minutes = '20';
const budget = values.steps !== undefined ? ['--steps', values.steps] : ['--minutes', values.minutes!];
const work = values.keep ?? mkdtempSync(join(tmpdir(), 'quality-'));
mkdirSync(work, { recursive: true });
const cli = join(benchRoot, 'bin', 'unet-studio.mjs');

function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: benchRoot, encoding: 'utf8', maxBuffer: 64 * 2 ** 20 });
  if (result.status !== 0) {
    throw new Error(
      `${command} ${args.join(' ')} failed (${result.status}):\n${result.stdout}\n${result.stderr}`,
    );
  }
  return result.stdout;
}

function isbiFolder(): string {
  const candidates = [
    values.isbi,
    join(benchRoot, '..', 'shared', 'data', 'isbi2012'),
    join(benchRoot, '..', '..', 'shared', 'data', 'isbi2012'),
  ].filter((p): p is string => p !== undefined);
  const found = candidates.find((p) => existsSync(join(p, 'train', 'labels', '29.png')));
  if (found === undefined)
    throw new Error(`ISBI 2012 not found (tried ${candidates.join(', ')}); pass --isbi DIR`);
  return found;
}

/** Copies images first..last of the ISBI train folder into dir/images and dir/labels. */
function linkIsbi(
  source: string,
  dir: string,
  first: number,
  last: number,
): { images: string; labels: string } {
  const images = join(dir, 'images');
  const labels = join(dir, 'labels');
  for (const d of [images, labels]) mkdirSync(d, { recursive: true });
  for (let k = first; k <= last; k++) {
    for (const [from, to] of [
      ['images', images],
      ['labels', labels],
    ] as const) {
      const target = join(to, `${k}.png`);
      if (!existsSync(target)) copyFileSync(join(source, 'train', from, `${k}.png`), target);
    }
  }
  return { images, labels };
}

interface TrainedRun {
  folder: string;
  steps: number;
  seconds: number;
  trainLog: string;
}

function train(name: string, data: { images: string; labels: string }): TrainedRun {
  const folder = join(work, `${name}-run`);
  rmSync(folder, { recursive: true, force: true });
  const extra = values['train-args']!.split(/\s+/).filter(Boolean);
  const started = performance.now();
  const trainLog = run(process.execPath, [
    cli,
    'train',
    ...['--images', data.images, '--labels', data.labels, '--out', folder],
    ...['--preset', 'fast', '--backend', 'wasm', ...budget, ...extra],
  ]);
  const done = /done: (\d+) steps/.exec(trainLog);
  return {
    folder,
    steps: done ? Number(done[1]) : Number.NaN,
    seconds: (performance.now() - started) / 1000,
    trainLog,
  };
}

function validationIoU(modelFolder: string): number | null {
  const meta = JSON.parse(readFileSync(join(modelFolder, 'metadata.json'), 'utf8')) as {
    metrics?: { validationForegroundIoU?: number };
  };
  return meta.metrics?.validationForegroundIoU ?? null;
}

function predict(model: string, images: string, out: string, extra: string[]): void {
  rmSync(out, { recursive: true, force: true });
  run(process.execPath, [cli, 'predict', '--model', model, '--images', images, '--out', out, ...extra]);
}

function score(
  mode: 'semantic' | 'objects',
  pred: string,
  truth: string,
  suffix = '',
): Record<string, number> {
  const script = join(benchRoot, 'bench', 'reference', 'score_masks.py');
  return JSON.parse(
    run(values.python!, [script, mode, '--pred', pred, '--truth', truth, '--suffix', suffix]),
  );
}

const rows: Record<string, Cell>[] = [];

/** Splits each truth image's foreground (no probabilities) with the app's instance step. */
async function splitTruthForeground(
  set: { labels: string; names: string[] },
  out: string,
  method: 'watershed' | 'components',
): Promise<void> {
  mkdirSync(out, { recursive: true });
  for (const name of set.names) {
    const truth = await readImage(join(set.labels, `${name}.png`));
    const classes = new Uint8Array(truth.width * truth.height);
    for (let i = 0; i < classes.length; i++) classes[i] = truth.data[i] !== 0 ? 1 : 0;
    const { labels } = predictedObjects(classes, null, truth.width, truth.height, { method });
    await writePng(join(out, `${name}_instances.png`), {
      width: truth.width,
      height: truth.height,
      channels: 1,
      bitDepth: 16,
      data: Uint16Array.from(labels),
    });
  }
}

const tta = values.tta ? ['--tta'] : [];
const base = {
  variant: values.variant,
  budget: budget.join(' ').replace('--', ''),
  tta: values.tta ? 'yes' : 'no',
};

if (values.protocol!.includes('isbi')) {
  const source = isbiFolder();
  const trainSet = linkIsbi(source, join(work, 'isbi-train'), 0, 24);
  const heldOut = linkIsbi(source, join(work, 'isbi-test'), 25, 29);
  const trained = train('isbi', trainSet);
  for (const model of ['best', 'model'] as const) {
    const folder = join(trained.folder, model);
    if (!existsSync(folder)) continue;
    const out = join(work, `isbi-pred-${model}`);
    predict(folder, heldOut.images, out, tta);
    const s = score('semantic', out, heldOut.labels);
    rows.push({
      protocol: 'isbi',
      ...base,
      model: model === 'best' ? 'best/' : 'final model/',
      steps: trained.steps,
      'train min': trained.seconds / 60,
      'val IoU': validationIoU(folder),
      'pixel error': s.pixelError,
      'fg IoU': s.foregroundIoU,
      'Rand error': s.randError,
    });
  }
}

if (values.protocol!.includes('nuclei')) {
  const trainSet = await writeNucleiSet(join(work, 'nuclei-train'), 'train', 0, 40);
  const heldOut = await writeNucleiSet(join(work, 'nuclei-test'), 'test', 0, 10);
  // The ceiling of the instance step: the truth's own foreground, split as predictions are.
  const oracle: Record<string, Cell> = {
    protocol: 'nuclei',
    variant: 'truth foreground (ceiling)',
    model: '-',
    'fg IoU': 1,
    'pixel error': 0,
  };
  for (const method of ['watershed', 'components'] as const) {
    const out = join(work, `nuclei-oracle-${method}`);
    await splitTruthForeground(heldOut, out, method);
    const s = score('objects', out, heldOut.labels, '_instances');
    oracle[method === 'watershed' ? 'object F1' : 'object F1 (no split)'] = s.objectF1;
  }
  rows.push(oracle);
  const trained = train('nuclei', trainSet);
  for (const model of ['best', 'model'] as const) {
    const folder = join(trained.folder, model);
    if (!existsSync(folder)) continue;
    const row: Record<string, Cell> = {
      protocol: 'nuclei',
      ...base,
      model: model === 'best' ? 'best/' : 'final model/',
      steps: trained.steps,
      'train min': trained.seconds / 60,
      'val IoU': validationIoU(folder),
    };
    for (const method of ['watershed', 'components'] as const) {
      const out = join(work, `nuclei-pred-${model}-${method}`);
      predict(folder, heldOut.images, out, ['--instances', method, ...tta]);
      const s = score('objects', out, heldOut.labels, '_instances');
      row['fg IoU'] = s.foregroundIoU;
      row['pixel error'] = s.pixelError;
      row[method === 'watershed' ? 'object F1' : 'object F1 (no split)'] = s.objectF1;
    }
    rows.push(row);
  }
}

const columns = [
  'protocol',
  'variant',
  'budget',
  'tta',
  'model',
  'steps',
  'train min',
  'val IoU',
  'pixel error',
  'fg IoU',
  'Rand error',
  'object F1',
  'object F1 (no split)',
];
printTable(rows, columns);
const jsonl = join(benchRoot, 'bench', 'results', 'quality-rows.jsonl');
mkdirSync(join(benchRoot, 'bench', 'results'), { recursive: true });
for (const row of rows)
  appendFileSync(jsonl, `${JSON.stringify({ date: new Date().toISOString(), ...row })}\n`);
console.log(`results: ${writeResults('quality', { rows, work })}, rows appended to ${jsonl}`);
if (values.keep === undefined) rmSync(work, { recursive: true, force: true });
// The threaded wasm backend is not used in this process, but exit explicitly like the CLI does.
process.exit(0);
