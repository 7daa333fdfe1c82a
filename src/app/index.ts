// Public surface of the app layer: the shells (main, server, cli) import from here only.
export type { AppContext, Dialogs, StudioServiceOptions } from './AppContext';
export * from './invokeApi';
export * from './pathPolicy';
export * from './project/recentProjects';
export * from './studioService';
export { defaultWorkProcessFactory, WorkProcess, type WorkProcessFactory } from './work/WorkProcess';
