import { fork } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WorkProcess } from '../src/app/index';
import { modelFolder, readPrediction } from '../src/engine/index';
import { saveTinyModel, tinyModelMetadata } from './support/tinyModel';

// The packaged app has no sources and no tsx: its work process is the compiled
// out/main/workChild.js that electron-vite builds beside the main bundle (`npm run build`,
// which `npm test` runs before the unit tests).
const built = join(__dirname, '..', 'out', 'main', 'workChild.js');
let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'built-work-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('the built work process (out/main/workChild.js)', () => {
  it('is found by the code that forks it, wherever the bundler put that code', () => {
    const main = join(__dirname, '..', 'out', 'main');
    const files = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const path = join(dir, name);
        return statSync(path).isDirectory() ? files(path) : [path];
      });
    // The forking code resolves './workChild.js' and './trainProcess.js' next to itself.
    const forking = files(main).filter((f) =>
      /new URL\("\.\/(workChild|trainProcess)\.js"/.test(readFileSync(f, 'utf8')),
    );
    expect(forking.length).toBeGreaterThanOrEqual(1);
    for (const file of forking) expect(join(file, '..')).toBe(main);
  });

  it('exists after `npm run build` and predicts a project image', async () => {
    expect(existsSync(built), `${built} missing: run npm run build`).toBe(true);
    await mkdir(join(root, 'images'));
    const pixels = new Uint8Array(24 * 20).map((_, i) => (i * 11) % 256);
    await writeFile(
      join(root, 'images', 'a.png'),
      encode({ width: 24, height: 20, data: pixels, depth: 8, channels: 1 }),
    );
    const model = 'run_built0001.last';
    const config = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
    await saveTinyModel(
      modelFolder(root, model),
      tinyModelMetadata(config, 28, { scale: 255, mean: [0.5], std: [0.2] }),
      2,
    );
    const work = new WorkProcess(() =>
      fork(built, [], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'], serialization: 'advanced' }),
    );
    try {
      const image = { id: 'img_00000000000b', name: 'a.png', file: 'a.png', page: 0 };
      const result = await work.run({
        kind: 'predictImages',
        task: { projectDir: root, jobId: 'job_built0001', modelId: model, images: [image] },
      });
      expect(result).toMatchObject({ modelId: model, predicted: 1 });
      expect((await readPrediction(root, model, image.id, 2)).width).toBe(24);
    } finally {
      await work.dispose();
    }
  });
});
