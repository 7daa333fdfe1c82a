import type { ChildProcess } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTrainingTestService } from '../../../test/support/testService';
import type { ApiHandlers } from '../../shared/api';
import type { JobUpdate } from '../../shared/jobs';
import type { StudioService } from '../studioService';

// A real training child on a 40x40 image with a tiny U-Net, killed with SIGKILL mid-run.
let root: string;
let service: StudioService;
let handlers: ApiHandlers;
let events: JobUpdate[];
let child: () => ChildProcess | null;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-runs-'));
  ({ service, events, child } = createTrainingTestService(root));
  handlers = service.handlers;
  await handlers.createProject(join(root, 'p'), 'p');
});
afterAll(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

async function waitFor(ok: () => boolean, what: string, ms = 90_000): Promise<void> {
  const start = Date.now();
  while (!ok()) {
    if (Date.now() - start > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('training runs owned by the studio service', () => {
  it('a killed training process shows as interrupted with its checkpoint step, and resumes from it', async () => {
    const w = 40;
    const pixels = new Uint8Array(w * w).map((_, i) => ((i % w) * 6 + Math.floor(i / w) * 3) % 256);
    const [entry] = (
      await handlers.uploadImage(
        'a.png',
        encode({ width: w, height: w, data: pixels, depth: 8, channels: 1 }),
      )
    ).added;
    const classes = new Uint8Array(w * w).map((_, i) => (i % w < 20 ? 1 : 2));
    const instances = new Uint16Array(w * w).map((_, i) => (i % w < 20 ? 0 : 1));
    await handlers.saveAnnotationPatch(entry.id, { x: 0, y: 0, w, h: w, classes, instances });
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
    // The Train tab's preview: asking makes the training process compute it from its weights.
    await handlers.getPreview(run.runId, entry.id).catch(() => null);
    await waitFor(
      () => events.some((e) => e.kind === 'preview' && e.imageId === entry.id),
      'a preview from the training process',
    );
    const preview = await handlers.getPreview(run.runId, entry.id);
    expect(preview).toMatchObject({ imageId: entry.id, width: w, height: w, classCount: 2 });
    expect(preview.modelId).toMatch(new RegExp(`^${run.runId} @ step \\d+$`));
    expect(service.busy()).toBe(true);
    child()!.kill('SIGKILL');
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
    // Typed end to end: the resume step is a number, and every event names its job's kind.
    expect(resumed).toMatchObject({ resumedFrom });
    expect(events.every((e) => e.jobKind === 'training' && e.jobId === run.runId)).toBe(true);
    const stopped = await handlers.stopTraining(run.runId);
    expect(stopped.status).toBe('stopped');
    expect(service.busy()).toBe(false);
    expect(stopped.checkpointStep).toBeGreaterThan(resumedFrom);
  }, 120_000);
});
