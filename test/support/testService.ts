import type { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createStudioService, type StudioService } from '../../src/app/index';
import { defaultTrainingProcessFactory } from '../../src/engine/index';
import type { JobUpdate } from '../../src/shared/jobs';

/**
 * A browser-shell StudioService for tests: version 'test', projects under `workspaceRoot`
 * (default `root`), its config (recent projects) in `root`/config, never the user's own, and
 * its heavy work in this process.
 * The caller disposes it.
 */
export function createTestService(
  root: string,
  workspaceRoot: string = root,
  extra: Pick<Parameters<typeof createStudioService>[0], 'trainingProcessFactory'> = {},
): StudioService {
  return createStudioService({
    shell: 'browser',
    version: 'test',
    workspaceRoot,
    env: { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, 'config') },
    // Heavy work on the test's own event loop: these tests are about the API and its shells.
    work: 'in-process',
    ...extra,
  });
}

/** A test service whose trainings run in real child processes, with its job events. */
export interface TrainingTestService {
  service: StudioService;
  events: JobUpdate[];
  /** The latest training process started, or null before the first. */
  child(): ChildProcess | null;
}

export function createTrainingTestService(root: string): TrainingTestService {
  let child: ChildProcess | null = null;
  const service = createTestService(root, root, {
    trainingProcessFactory: () => {
      child = defaultTrainingProcessFactory();
      return child;
    },
  });
  return { service, events: collectJobEvents(service), child: () => child };
}

/** Every job event the service sends from now on, in order (the array fills as they come). */
export function collectJobEvents(service: StudioService): JobUpdate[] {
  const events: JobUpdate[] = [];
  service.subscribe((m) => {
    if (m.event === 'jobEvent') events.push(m.payload);
  });
  return events;
}
