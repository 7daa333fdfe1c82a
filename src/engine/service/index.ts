export * from './backendInfo';
export * from './invokeApi';
export * from './modelHandlers';
export * from './pathPolicy';
export * from './studioService';
