import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StudioService } from '../../src/app/index';
import type { JobUpdate } from '../../src/shared/jobs';
import { collectJobEvents, createTestService } from './testService';

/** A test service with a project open at `<root>/p`, the job events it sent, and a way to await a job's end. */
export interface ProjectService {
  root: string;
  service: StudioService;
  events: JobUpdate[];
  /** The job's `done` or `failed` event (undefined after 20 s). */
  jobEnd(jobId: string): Promise<JobUpdate | undefined>;
  dispose(): Promise<void>;
}

export async function openProjectService(prefix: string): Promise<ProjectService> {
  const root = await mkdtemp(join(tmpdir(), prefix));
  const service = createTestService(root);
  const events = collectJobEvents(service);
  await service.handlers.createProject(join(root, 'p'), 'p');
  return {
    root,
    service,
    events,
    jobEnd: async (jobId) => {
      for (let i = 0; i < 800; i++) {
        const end = events.find((e) => e.jobId === jobId && (e.kind === 'done' || e.kind === 'failed'));
        if (end) return end;
        await new Promise((r) => setTimeout(r, 25));
      }
      return undefined;
    },
    dispose: async () => {
      await service.dispose();
      await rm(root, { recursive: true, force: true });
    },
  };
}
