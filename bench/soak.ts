// `npm run bench -- soak [--minutes 30] [--calls 1000]`
// Memory soak. Phase 1: `--calls` API calls (getProject / getAnnotation /
// saveAnnotationPatch, 4:3:3) against a real browser-shell process (`unet-studio serve`), its
// RSS sampled from /proc every 50 calls. Phase 2: a fast-preset training run of `--minutes`
// (in this process, the same `train` the training child runs) sampling RSS and
// tf.memory().numTensors at every progress event. Prints start/mid/end, the growth per unit
// after a warm-up, and FLAT or GROWING; writes bench/results/soak.json.
// Criterion: after the first 20% of samples (warm-up: caches, JIT, weight maps), a least-squares
// line over the rest must grow by less than max(32 MiB, 5% of the mid RSS) across the phase,
// and the tensor count by less than 1 tensor across the run.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import * as tf from '@tensorflow/tfjs';
import { encode } from 'fast-png';
import { Project, type TrainImage, train } from '../src/engine/index';
import { createHttpApi } from '../src/shared/apiHttpClient';
import { benchRoot, printTable, writeResults } from './_common';

const root = benchRoot;
const { values } = parseArgs({
  options: { minutes: { type: 'string', default: '30' }, calls: { type: 'string', default: '1000' } },
});
const minutes = Number(values.minutes);
const calls = Number(values.calls);
const MiB = 1024 * 1024;
const ISBI = join(root, '..', 'shared', 'data', 'isbi2012', 'train');

interface Sample {
  /** Calls made (phase 1) or seconds since the start (phase 2). */
  x: number;
  rss: number;
  tensors?: number;
}

/** Least-squares slope of y over x. */
function slope(points: { x: number; y: number }[]): number {
  const n = points.length;
  if (n < 2) return 0;
  const mx = points.reduce((s, p) => s + p.x, 0) / n;
  const my = points.reduce((s, p) => s + p.y, 0) / n;
  const sxy = points.reduce((s, p) => s + (p.x - mx) * (p.y - my), 0);
  const sxx = points.reduce((s, p) => s + (p.x - mx) ** 2, 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** Start/mid/end, growth of the fitted line after the warm-up, and the verdict. */
function summarise(name: string, samples: Sample[], unit: string) {
  const steady = samples.slice(Math.floor(samples.length * 0.2));
  const span = steady.length > 1 ? steady[steady.length - 1].x - steady[0].x : 0;
  const mid = samples[Math.floor(samples.length / 2)];
  const rssGrowth = slope(steady.map((s) => ({ x: s.x, y: s.rss }))) * span;
  const rssLimit = Math.max(32 * MiB, 0.05 * mid.rss);
  const withTensors = steady.every((s) => s.tensors !== undefined);
  const tensorGrowth = withTensors ? slope(steady.map((s) => ({ x: s.x, y: s.tensors ?? 0 }))) * span : 0;
  const flat = rssGrowth < rssLimit && tensorGrowth < 1;
  return {
    phase: name,
    samples: samples.length,
    span: `${Math.round(span)} ${unit}`,
    'start RSS MiB': samples[0].rss / MiB,
    'mid RSS MiB': mid.rss / MiB,
    'end RSS MiB': samples[samples.length - 1].rss / MiB,
    'RSS growth MiB': rssGrowth / MiB,
    'limit MiB': rssLimit / MiB,
    tensors: withTensors
      ? `${samples[0].tensors}/${mid.tensors}/${samples[samples.length - 1].tensors}`
      : '-',
    'tensor growth': withTensors ? tensorGrowth : '-',
    verdict: flat ? 'FLAT' : 'GROWING',
  };
}

function rssOf(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? Number.NaN) * 1024;
}

/** 512x512 training/annotation data: ISBI 2012 images 0-4 when present, else synthetic cells. */
function dataset(dir: string): TrainImage[] {
  if (existsSync(join(ISBI, 'images', '0.png'))) {
    return [0, 1, 2, 3, 4].map((i) => ({
      image: join(ISBI, 'images', `${i}.png`),
      annotation: { kind: 'mask' as const, path: join(ISBI, 'labels', `${i}.png`) },
    }));
  }
  mkdirSync(dir, { recursive: true });
  const size = 512;
  const pixels = new Uint8Array(size * size);
  const mask = new Uint8Array(size * size);
  for (let y = 0; y < size; y++)
    for (let x = 0; x < size; x++) {
      const inside = Math.hypot((x % 64) - 32, (y % 64) - 32) < 20; // a grid of discs
      mask[y * size + x] = inside ? 255 : 0;
      pixels[y * size + x] = (inside ? 180 : 60) + ((x * 7 + y * 13) % 40);
    }
  writeFileSync(
    join(dir, 'a.png'),
    encode({ width: size, height: size, data: pixels, depth: 8, channels: 1 }),
  );
  writeFileSync(
    join(dir, 'a-mask.png'),
    encode({ width: size, height: size, data: mask, depth: 8, channels: 1 }),
  );
  return [{ image: join(dir, 'a.png'), annotation: { kind: 'mask', path: join(dir, 'a-mask.png') } }];
}

async function apiPhase(work: string, images: TrainImage[]): Promise<Sample[]> {
  const dir = join(work, 'project');
  const project = await Project.create(dir, 'soak');
  const [entry] = await project.importFiles([images[0].image]);
  await project.close();
  const child = spawn(
    process.execPath,
    [join(root, 'bin', 'unet-studio.mjs'), 'serve', '--project', dir, '--port', '0'],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  try {
    const url = await new Promise<URL>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const m = /U-Net Studio: (\S+)/.exec(out);
        if (m) resolve(new URL(m[1]));
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}`)));
    });
    const token = url.searchParams.get('token') ?? '';
    const api = createHttpApi({
      baseUrl: url.origin,
      token,
      fetch: (u, init) =>
        fetch(u, {
          ...init,
          body: Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength),
        }),
      openSocket: null,
    });
    const samples: Sample[] = [{ x: 0, rss: rssOf(child.pid ?? 0) }];
    for (let i = 0; i < calls; i++) {
      const kind = i % 10;
      const result =
        kind < 4
          ? await api.getProject()
          : kind < 7
            ? await api.getAnnotation(entry.id)
            : await api.saveAnnotationPatch(entry.id, {
                x: (i * 37) % (entry.width - 64),
                y: (i * 53) % (entry.height - 64),
                w: 64,
                h: 64,
                classes: new Uint8Array(64 * 64).fill(1 + (i % 2)),
                instances: new Uint16Array(64 * 64).fill(i % 2 === 0 ? 0 : 1 + (i % 500)),
              });
      if (!result.ok) throw new Error(`call ${i}: ${result.error.code} ${result.error.message}`);
      if ((i + 1) % 50 === 0) samples.push({ x: i + 1, rss: rssOf(child.pid ?? 0) });
    }
    return samples;
  } finally {
    child.kill('SIGTERM');
  }
}

async function trainingPhase(work: string, images: TrainImage[]): Promise<Sample[]> {
  const samples: Sample[] = [];
  const start = performance.now();
  let lastStep = 0;
  await train(
    {
      images,
      outDir: join(work, 'model'),
      preset: 'fast',
      minutes,
      valFraction: images.length > 1 ? 0.2 : 0,
      validateEverySteps: 50,
      checkpointMinutes: Math.max(0.5, minutes / 6),
      seed: 1,
    },
    {
      signal: new AbortController().signal,
      onEvent: (event) => {
        if (event.kind !== 'progress' || event.loss === undefined) return;
        lastStep = event.step;
        samples.push({
          x: (performance.now() - start) / 1000,
          rss: process.memoryUsage().rss,
          tensors: tf.memory().numTensors,
        });
      },
    },
  );
  process.stdout.write(
    `training: ${lastStep} steps on ${tf.getBackend()} in ${((performance.now() - start) / 60000).toFixed(1)} min\n`,
  );
  return samples;
}

async function main(): Promise<void> {
  const work = mkdtempSync(join(tmpdir(), 'unet-soak-'));
  try {
    const images = dataset(join(work, 'data'));
    process.stdout.write(
      `soak: ${calls} API calls, then ${minutes} min of training (${images.length} images)\n`,
    );
    const api = await apiPhase(work, images);
    const training = await trainingPhase(work, images);
    const rows = [
      summarise(`API (${calls} calls)`, api, 'calls'),
      summarise(`training (${minutes} min)`, training, 's'),
    ];
    printTable(rows);
    process.stdout.write(
      'criterion: after a 20% warm-up, fitted RSS growth < max(32 MiB, 5% of mid RSS) and tensor growth < 1\n',
    );
    const path = writeResults('soak', { minutes, calls, rows, samples: { api, training } });
    process.stdout.write(`wrote ${path}\n`);
    if (rows.some((r) => r.verdict !== 'FLAT')) process.exitCode = 1;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

await main();
