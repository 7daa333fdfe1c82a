import { fork } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder, startTrainingProcess, type TrainConfigInput } from '../src/engine/index';
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

/** Runs the built child on a fresh disc dataset under root/NAME; returns its events and outcome. */
async function trainBuilt(
  name: string,
  settings: Pick<TrainConfigInput, 'architecture' | 'tileSize' | 'steps' | 'backend'>,
): Promise<{ events: JobEvent[]; outcome: unknown; outDir: string }> {
  const data = await writeDiscDataset(join(root, name, 'data'), { count: 2, width: 40, height: 36 });
  const outDir = join(root, name, 'run');
  const events: JobEvent[] = [];
  const child = startTrainingProcess(
    {
      images: data.names.map((image) => ({
        image: join(data.images, `${image}.png`),
        annotation: { kind: 'mask' as const, path: join(data.labels, `${image}.png`) },
      })),
      outDir,
      valFraction: 0,
      ...settings,
    },
    {
      onEvent: (e) => events.push(e),
      factory: () => fork(built, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] }),
    },
  );
  return { events, outcome: await child.done, outDir };
}

describe('the built training child (out/main/trainProcess.js)', () => {
  it('exists after `npm run build` and trains a tiny model to the end', async () => {
    expect(existsSync(built), `${built} missing: run npm run build`).toBe(true);
    const { events, outcome, outDir } = await trainBuilt('wasm', {
      architecture: { depth: 2, baseFilters: 4 },
      tileSize: 60,
      steps: 4,
      backend: 'wasm',
    });
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
    const { events, outcome, outDir } = await trainBuilt('webgpu', {
      architecture: { depth: 1, baseFilters: 2 },
      tileSize: 28,
      steps: 3,
      backend: 'webgpu',
    });
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
