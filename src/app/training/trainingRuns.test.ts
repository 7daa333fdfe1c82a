import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { defaultTrainingProcessFactory, Project } from '../../engine/index';
import type { JobEvent } from '../../shared/jobs';
import { createModelHandlers, type ModelHandlers } from '../modelHandlers';

// A real training child on a 40x40 image with a tiny U-Net, killed with SIGKILL mid-run.
let root: string;
let project: Project;
let handlers: ModelHandlers;
let dispose: () => Promise<void>;
let busy: () => boolean;
const events: JobEvent[] = [];
let child: ChildProcess | null = null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-runs-'));
  project = await Project.create(join(root, 'p'), 'p');
  const created = createModelHandlers({
    current: () => project,
    emitJob: (e) => events.push(e),
    projectChanged: () => {},
    workspaceRoot: null,
    trainingProcessFactory: () => {
      child = defaultTrainingProcessFactory();
      return child;
    },
  });
  handlers = created.handlers;
  dispose = created.dispose;
  busy = created.busy;
});
afterAll(async () => {
  await dispose();
  await project.close();
  await rm(root, { recursive: true, force: true });
});

async function waitFor(ok: () => boolean, what: string, ms = 90_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('training runs owned by the service', () => {
  it('a killed training process shows as interrupted with its checkpoint step, and resumes from it', async () => {
    const w = 40;
    const pixels = new Uint8Array(w * w).map((_, i) => ((i % w) * 6 + Math.floor(i / w) * 3) % 256);
    const [entry] = await project.importBytes(
      'a.png',
      encode({ width: w, height: w, data: pixels, depth: 8, channels: 1 }),
    );
    const classes = new Uint8Array(w * w).map((_, i) => (i % w < 20 ? 1 : 2));
    const instances = new Uint16Array(w * w).map((_, i) => (i % w < 20 ? 0 : 1));
    await project.saveAnnotationPatch(entry.id, { x: 0, y: 0, w, h: w, classes, instances });
    const run = await handlers.startTraining({
      imageIds: [entry.id],
      valFraction: 0,
      preset: 'fast',
      advanced: {
        steps: 100_000,
        tileSize: 44,
        baseFilters: 2,
        depth: 2,
        checkpointEverySteps: 3,
        augmentation: false,
      },
    });
    expect(run.status).toBe('starting');
    await waitFor(() => events.some((e) => e.kind === 'checkpoint' && e.step >= 3), 'a checkpoint');
    expect((await handlers.listRuns())[0].status).toBe('running');
    expect(busy()).toBe(true);
    child!.kill('SIGKILL');
    await waitFor(() => events.some((e) => e.kind === 'failed'), 'the crash event');
    const [after] = await handlers.listRuns();
    expect(after.status).toBe('interrupted');
    expect(after.checkpointStep).not.toBeNull();
    expect(after.message).toContain(`Resume from step ${after.checkpointStep}`);

    const resumedFrom = after.checkpointStep!;
    events.length = 0;
    await handlers.resumeTraining(run.runId);
    await waitFor(
      () => events.some((e) => e.kind === 'progress' && e.step > resumedFrom),
      'steps after the resume',
    );
    const resumed = events.find((e) => e.kind === 'progress' && e.message?.startsWith('resuming'));
    expect(resumed).toMatchObject({ step: resumedFrom, message: `resuming from step ${resumedFrom}` });
    const stopped = await handlers.stopTraining(run.runId);
    expect(stopped.status).toBe('stopped');
    expect(busy()).toBe(false);
    expect(stopped.checkpointStep).toBeGreaterThan(resumedFrom);
  }, 120_000);
});
