export * from './annotationFiles';
export * from './importImage';
export * from './intensityStats';
export * from './project';
export * from './projectLock';
export * from './projectManifest';
export * from './recentProjects';
export * from './thumbnail';
