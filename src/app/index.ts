// Public surface of the app layer: the shells (main, server, cli) import from here only.
export * from './invokeApi';
export * from './modelHandlers';
export * from './pathPolicy';
export * from './project/recentProjects';
export * from './studioService';
export * from './system/backendReport';
