import type { Project } from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { ProjectSnapshot } from '../../shared/schemas';
import type { UiEvents } from '../events/UiEvents';
import { rememberProject } from './recentProjects';

/**
 * The one open project of a studio service (or none). Every change to it is announced to the UI
 * as `projectChanged`; opening one adds it to the recent-projects list.
 */
export class ProjectSession {
  private project: Project | null = null;

  constructor(
    private readonly events: UiEvents,
    private readonly env: NodeJS.ProcessEnv | undefined,
  ) {}

  /** The open project; 'not_found' when none is open. */
  current(): Project {
    if (this.project === null)
      throw new AppError('not_found', 'No project is open. Create or open a project first.');
    return this.project;
  }

  /** The open project, or null. */
  get open(): Project | null {
    return this.project;
  }

  /** Tells the UI the open project changed; returns its new snapshot. */
  changed(): ProjectSnapshot {
    const snapshot = this.current().snapshot();
    this.events.emit('projectChanged', snapshot);
    return snapshot;
  }

  /** Makes `next` the open project (closing the previous one) and remembers it as recent. */
  async adopt(next: Project): Promise<ProjectSnapshot> {
    if (this.project !== null) await this.project.close();
    this.project = next;
    const snapshot = next.snapshot();
    await rememberProject(next.dir, snapshot.name, this.env).catch(() => {
      /* the recent list is a convenience; never fail an open because of it */
    });
    this.events.emit('projectChanged', snapshot);
    return snapshot;
  }

  /** Closes the open project (releasing its lock); `announce` tells the UI. No-op when none. */
  async close(announce: boolean): Promise<void> {
    if (this.project === null) return;
    const closing = this.project;
    this.project = null;
    await closing.close();
    if (announce) this.events.emit('projectChanged', null);
  }
}
