import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder, startTrainingProcess } from '../src/engine/index';
import type { JobEvent } from '../src/shared/jobs';
import { requireWebGpuAdapter } from './support/webgpu';
import { writeDiscDataset } from './training/syntheticData';

// The packaged app has no sources and no tsx: its training child is the compiled
// out/main/trainProcess.js that electron-vite builds beside the main bundle (`npm run build`,
// which `npm test` runs before the unit tests).
const built = join(__dirname, '..', 'out', 'main', 'trainProcess.js');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'built-train-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the built training child (out/main/trainProcess.js)', () => {
  it('exists after `npm run build` and trains a tiny model to the end', async () => {
    expect(existsSync(built), `${built} missing: run npm run build`).toBe(true);
    const data = await writeDiscDataset(join(root, 'data'), { count: 2, width: 40, height: 36 });
    const outDir = join(root, 'run');
    const events: JobEvent[] = [];
    const child = startTrainingProcess(
      {
        images: data.names.map((name) => ({
          image: join(data.images, `${name}.png`),
          annotation: { kind: 'mask' as const, path: join(data.labels, `${name}.png`) },
        })),
        outDir,
        architecture: { depth: 2, baseFilters: 4 },
        tileSize: 60,
        steps: 4,
        valFraction: 0,
        backend: 'wasm',
      },
      {
        onEvent: (e) => events.push(e),
        factory: () => fork(built, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
      },
    );
    const outcome = await child.done;
    const kinds = events.map((e) => e.kind);
    expect(kinds[0], JSON.stringify(outcome)).toBe('started');
    expect(kinds.at(-1)).toBe('done');
    const progress = events.filter((e) => e.kind === 'progress');
    expect(progress.at(-1)).toMatchObject({ step: 4 });
    const { unet, metadata } = await loadModelFolder(join(outDir, 'model'));
    expect(metadata.architecture.depth).toBe(2);
    unet.dispose();
  });

  it('loads Dawn and trains on WebGPU with --backend webgpu (SwiftShader where no GPU)', async () => {
    await requireWebGpuAdapter(); // also sets the Vulkan driver the child inherits, where needed
    const data = await writeDiscDataset(join(root, 'gpu-data'), { count: 2, width: 40, height: 36 });
    const outDir = join(root, 'gpu-run');
    const events: JobEvent[] = [];
    const child = startTrainingProcess(
      {
        images: data.names.map((name) => ({
          image: join(data.images, `${name}.png`),
          annotation: { kind: 'mask' as const, path: join(data.labels, `${name}.png`) },
        })),
        outDir,
        architecture: { depth: 1, baseFilters: 2 },
        tileSize: 28,
        steps: 3,
        valFraction: 0,
        backend: 'webgpu',
      },
      {
        onEvent: (e) => events.push(e),
        factory: () => fork(built, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
      },
    );
    const outcome = await child.done;
    const started = events.find((e) => e.kind === 'started');
    expect(started, JSON.stringify(outcome)).toMatchObject({
      backend: expect.stringMatching(/^WebGPU \(\w+, .+\)$/),
    });
    expect(events.at(-1)?.kind).toBe('done');
    const { unet } = await loadModelFolder(join(outDir, 'model'));
    expect(unet.config.depth).toBe(1);
    unet.dispose();
  });
});
