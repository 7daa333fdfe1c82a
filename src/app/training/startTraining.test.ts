import { spawn } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { appErrorOf } from '../../../test/support/appError';
import { createTestService } from '../../../test/support/testService';
import { DEFAULT_CLASSES } from '../../shared/schemas';
import type { StudioService } from '../studioService';

// No training runs here: the process factory gives a child that exits on the start message, so
// a started run ends at once, its run.json written.
let root: string;
let service: StudioService;
let h: StudioService['handlers'];
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-start-'));
  service = createTestService(root, root, {
    trainingProcessFactory: () =>
      spawn(process.execPath, ['-e', "process.once('message', () => process.exit(0))"], {
        stdio: ['ignore', 'ignore', 'inherit', 'ipc'],
      }),
  });
  h = service.handlers;
  await h.createProject(join(root, 'p'), 'p');
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

/** An 8x8 image labelled background (left) and one object of class 2 (right). */
async function annotatedImage(): Promise<string> {
  const gray = encode({ width: 8, height: 8, data: new Uint8Array(64), depth: 8, channels: 1 });
  const [entry] = (await h.uploadImage('a.png', gray)).added;
  const classes = new Uint8Array(64).map((_, i) => (i % 8 < 4 ? 1 : 2));
  const instances = new Uint16Array(64).map((_, i) => (i % 8 < 4 ? 0 : 1));
  await h.saveAnnotationPatch(entry.id, { x: 0, y: 0, w: 8, h: 8, classes, instances });
  return entry.id;
}

const runs = () => readdir(join(root, 'p', 'runs')).catch(() => [] as string[]);

describe('startTraining with object borders', () => {
  it('hands object borders to the run of a project with one foreground class', async () => {
    const imageId = await annotatedImage();
    const run = await h.startTraining({
      imageIds: [imageId],
      valFraction: 0,
      preset: 'fast',
      advanced: { objectBorders: true, steps: 1 },
    });
    expect(run.request.advanced.objectBorders).toBe(true);
    const record = JSON.parse(await readFile(join(root, 'p', 'runs', run.runId, 'run.json'), 'utf8'));
    expect(record.config).toMatchObject({ objectBorders: true, architecture: { classes: 2 } });
  });

  it('refuses it in a project with two foreground classes, before a run folder is made', async () => {
    const imageId = await annotatedImage();
    await h.updateClasses([...DEFAULT_CLASSES, { id: 3, name: 'nucleus', color: '#22c55e' }]);
    const request = { imageIds: [imageId], valFraction: 0, preset: 'fast' as const };
    const error = await appErrorOf(
      h.startTraining({ ...request, advanced: { objectBorders: true, steps: 1 } }),
    );
    expect(error.code).toBe('invalid_argument');
    expect(error.message).toBe(
      'Object borders need a project with one foreground class; this project has 2.',
    );
    expect(await runs()).toEqual([]);
    // Without object borders the same project trains.
    await h.startTraining({ ...request, advanced: { steps: 1 } });
    expect(await runs()).toHaveLength(1);
  });
});
