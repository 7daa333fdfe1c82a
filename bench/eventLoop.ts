// `npm run bench -- eventLoop [--images 20] [--side 512]`: how free the main process stays while
// the app predicts, compares and exports. A studio service as the shells build it (heavy work in
// the work process) predicts `--images` synthetic images of `--side` px with a fast-preset U-Net
// (random weights: the timing does not depend on them), then compares and exports them, while
// perf_hooks.monitorEventLoopDelay samples the main event loop. The same is run with the work
// on the main event loop (how the app ran before), for comparison. Goal: p99 < 50 ms during the
// batch prediction. Writes bench/results/eventLoop.json.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { encode } from 'fast-png';
import { createStudioService, type StudioService } from '../src/app/index';
import { createUNet, modelFolder, PRESETS, saveModelFolder } from '../src/engine/index';
import type { JobUpdate } from '../src/shared/jobs';
import { printTable, writeResults } from './_common';
import { syntheticCells } from './_synthetic';

const { values } = parseArgs({
  options: { images: { type: 'string', default: '20' }, side: { type: 'string', default: '512' } },
});
const count = Number(values.images);
const side = Number(values.side);
const MODEL = 'run_bench0001.last';

/** A gray image of touching cells (bright interiors, dark borders, noise): `side` x `side`. */
function cellImage(seed: number): Uint8Array {
  const { instances } = syntheticCells(seed, { width: side, height: side });
  return Uint8Array.from(instances, (id, i) => (id === 0 ? 40 : 170) + ((i * 2654435761) >>> 27));
}

interface Phase {
  arm: string;
  phase: string;
  seconds: number;
  p50_ms: number;
  p99_ms: number;
  max_ms: number;
}

/** Runs `work` while sampling the event loop (10 ms resolution); delays in ms. */
async function measured(arm: string, phase: string, work: () => Promise<unknown>): Promise<Phase> {
  const histogram = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  histogram.enable();
  try {
    await work();
  } finally {
    histogram.disable();
  }
  const ms = (ns: number) => ns / 1e6;
  return {
    arm,
    phase,
    seconds: (performance.now() - started) / 1000,
    p50_ms: ms(histogram.percentile(50)),
    p99_ms: ms(histogram.percentile(99)),
    max_ms: ms(histogram.max),
  };
}

/** Waits for the terminal event of a job; rejects on failure. */
function finished(service: StudioService, jobId: string): Promise<JobUpdate> {
  return new Promise((resolve, reject) => {
    const stop = service.subscribe((m) => {
      if (m.event !== 'jobEvent' || m.payload.jobId !== jobId) return;
      const e = m.payload;
      if (e.kind === 'done') resolve(e);
      else if (e.kind === 'failed' || e.kind === 'cancelled') reject(new Error(JSON.stringify(e)));
      else return;
      stop();
    });
  });
}

async function arm(name: string, work: 'process' | 'in-process', root: string): Promise<Phase[]> {
  const service = createStudioService({
    shell: 'browser',
    version: 'bench',
    workspaceRoot: root,
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, '.config') },
    work,
  });
  const h = service.handlers;
  try {
    const project = await h.createProject(join(root, name), name);
    const ids: string[] = [];
    for (let k = 0; k < count; k++) {
      const png = encode({ width: side, height: side, data: cellImage(k), depth: 8, channels: 1 });
      ids.push(...(await h.uploadImage(`cells${k}.png`, png)).added.map((e) => e.id));
    }
    // Every image annotated (a corner), so that compare scores them all.
    const patch = {
      x: 0,
      y: 0,
      w: 16,
      h: 16,
      classes: new Uint8Array(256).fill(2),
      instances: new Uint16Array(256).fill(1),
    };
    for (const id of ids) await h.saveAnnotationPatch(id, patch);
    const fast = PRESETS.fast;
    const unet = createUNet(fast.architecture, fast.tileSize, 1);
    await saveModelFolder(modelFolder(project.dir, MODEL), unet, {
      format: 'unet-studio-model',
      version: 1,
      architecture: unet.config,
      tileSize: fast.tileSize,
      classes: [
        { name: 'background', color: '#000000' },
        { name: 'cell', color: '#ffffff' },
      ],
      normalization: { scale: 255, mean: [0.4], std: [0.25] },
      provenance: { createdAt: new Date().toISOString() },
    });
    unet.dispose();
    // Start-up of the work process is not the batch: one tiny comparison first.
    await h.compareModels([MODEL], ids.slice(0, 1));
    const phases = [
      // The noise floor: the same process with nothing to do (a busy machine shows here).
      await measured(name, 'idle 5 s', () => new Promise((r) => setTimeout(r, 5000))),
      await measured(name, `predict ${count} images`, async () => {
        const { jobId } = await h.predictImages(MODEL, { imageIds: ids });
        await finished(service, jobId);
      }),
      await measured(name, `compare ${count} images`, () => h.compareModels([MODEL], ids)),
      await measured(name, `export ${count} masks`, () =>
        h.exportMasks({
          modelId: MODEL,
          imageIds: ids,
          folder: join(root, `${name}-masks`),
          format: 'png',
          kind: 'instances',
        }),
      ),
    ];
    return phases;
  } finally {
    await service.dispose();
  }
}

const root = mkdtempSync(join(tmpdir(), 'unet-event-loop-'));
try {
  const rows = [
    ...(await arm('work process', 'process', root)),
    ...(await arm('main event loop (before)', 'in-process', root)),
  ];
  printTable(rows as unknown as Record<string, string | number>[]);
  const batch = rows[1];
  const verdict = batch.p99_ms < 50 ? 'PASS' : 'FAIL';
  console.log(
    `${verdict}: p99 event-loop delay during the ${count}-image prediction = ${batch.p99_ms.toFixed(1)} ms (goal < 50 ms)`,
  );
  const path = writeResults('eventLoop', { images: count, side, rows, verdict });
  console.log(`wrote ${path}`);
} finally {
  rmSync(root, { recursive: true, force: true });
}
