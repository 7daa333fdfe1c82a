import { platform } from 'node:os';
import { resolve } from 'node:path';
import { Project } from '../engine/index';
import type {
  ApiEvent,
  ApiEventMessage,
  ApiEventPayloads,
  ApiHandlers,
  BackendReport,
  PickResult,
  ShellKind,
  Unsubscribe,
} from '../shared/api';
import { AppError } from '../shared/errors';
import type { ProjectSnapshot } from '../shared/schemas';
import { createModelHandlers } from './modelHandlers';
import { confinePath } from './pathPolicy';
import { readRecentProjects, rememberProject } from './project/recentProjects';
import { backendReport } from './system/backendReport';

/** Native dialogs a shell can offer (Electron); without them pick* answers "cancelled". */
export interface Dialogs {
  pickFolder(purpose: 'open' | 'create'): Promise<PickResult>;
  pickFiles(): Promise<PickResult>;
}

export interface StudioServiceOptions {
  shell: ShellKind;
  version: string;
  /**
   * Browser shell: projects may only be created/opened below this folder, and importImages
   * only reads files inside the open project ('forbidden_path' otherwise). null = no limits
   * (Electron: the user's own dialogs).
   */
  workspaceRoot: string | null;
  dialogs?: Dialogs;
  /** Environment for the config folder (UNET_STUDIO_CONFIG_DIR in tests). */
  env?: NodeJS.ProcessEnv;
}

/** The API implemented once, plus its event stream; both shells wrap this. */
export interface StudioService {
  handlers: ApiHandlers;
  /** Listens to every event (shells forward them to the UI). */
  subscribe(listener: (message: ApiEventMessage) => void): Unsubscribe;
  /** Sends an event to every listener (used by job runners). */
  emit<K extends ApiEvent>(event: K, payload: ApiEventPayloads[K]): void;
  /**
   * True while a training run or prediction job runs: they belong to this service, not to a
   * window, so a shell should keep running (and dispose() stops runs with a checkpoint).
   */
  busy(): boolean;
  /** Closes the open project (releases its lock). */
  dispose(): Promise<void>;
}

const cancelled: PickResult = { cancelled: true, paths: [] };

/**
 * Builds the API implementation. Holds at most one open project; every handler throws
 * AppError for expected failures (shells turn throws into Results via invokeApi).
 */
export function createStudioService(options: StudioServiceOptions): StudioService {
  let project: Project | null = null;
  // The backend is chosen once per process; later calls report the same choice.
  let backend: Promise<BackendReport> | null = null;
  const listeners = new Set<(message: ApiEventMessage) => void>();
  const emit = <K extends ApiEvent>(event: K, payload: ApiEventPayloads[K]) => {
    for (const listener of listeners) listener({ event, payload } as ApiEventMessage);
  };

  const current = (): Project => {
    if (project === null)
      throw new AppError('not_found', 'No project is open. Create or open a project first.');
    return project;
  };
  const changed = (): ProjectSnapshot => {
    const snapshot = current().snapshot();
    emit('projectChanged', snapshot);
    return snapshot;
  };
  const allowedProjectDir = async (dir: string): Promise<string> =>
    options.workspaceRoot === null ? dir : confinePath(options.workspaceRoot, dir, 'Project folder');
  const adopt = async (next: Project): Promise<ProjectSnapshot> => {
    if (project !== null) await project.close();
    project = next;
    const snapshot = next.snapshot();
    await rememberProject(next.dir, snapshot.name, options.env).catch(() => {
      /* the recent list is a convenience; never fail an open because of it */
    });
    emit('projectChanged', snapshot);
    return snapshot;
  };

  // Training, prediction, compare, export (issue 6): their own module, same project and events.
  const models = createModelHandlers({
    current,
    emitJob: (event) => emit('jobEvent', event),
    projectChanged: () => void changed(),
    workspaceRoot: options.workspaceRoot,
  });

  const handlers: ApiHandlers = {
    ...models.handlers,
    appInfo: async () => ({
      shell: options.shell,
      version: options.version,
      platform: platform(),
      nativeDialogs: options.dialogs !== undefined,
      workspaceRoot: options.workspaceRoot,
    }),
    getBackendInfo: () => {
      backend ??= backendReport();
      return backend;
    },
    getRecentProjects: () => readRecentProjects(options.env),
    pickFolder: (purpose) => options.dialogs?.pickFolder(purpose) ?? Promise.resolve(cancelled),
    pickFiles: () => options.dialogs?.pickFiles() ?? Promise.resolve(cancelled),
    createProject: async (dir, name) => {
      const target = await allowedProjectDir(dir);
      if (project !== null && project.dir === resolve(target))
        throw new AppError('conflict', `${dir} is already open.`);
      return adopt(await Project.create(target, name));
    },
    openProject: async (dir) => {
      const target = await allowedProjectDir(dir);
      if (project !== null && project.dir === resolve(target)) return project.snapshot();
      return adopt(await Project.open(target));
    },
    closeProject: async () => {
      if (project === null) return;
      const closing = project;
      project = null;
      await closing.close();
      emit('projectChanged', null);
    },
    getProject: async () => project?.snapshot() ?? null,
    updateClasses: async (classes) => {
      await current().updateClasses(classes);
      return changed();
    },
    importImages: async (paths) => {
      const open = current();
      const allowed =
        options.workspaceRoot === null
          ? paths
          : await Promise.all(paths.map((path) => confinePath(open.dir, path, 'Image file')));
      const added = await open.importFiles(allowed);
      return { project: changed(), added };
    },
    uploadImage: async (name, bytes) => {
      const added = await current().importBytes(name, bytes);
      return { project: changed(), added };
    },
    removeImage: async (imageId) => {
      await current().removeImage(imageId);
      return changed();
    },
    getImagePixels: (imageId) => current().readPixels(imageId),
    getThumbnail: (imageId) => current().readThumbnail(imageId),
    getAnnotation: (imageId) => current().readAnnotation(imageId),
    saveAnnotationPatch: async (imageId, patch) => {
      const status = await current().saveAnnotationPatch(imageId, patch);
      changed();
      return status;
    },
  };

  return {
    handlers,
    emit,
    busy: models.busy,
    subscribe: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    dispose: async () => {
      await models.dispose();
      if (project !== null) await project.close();
      project = null;
    },
  };
}
