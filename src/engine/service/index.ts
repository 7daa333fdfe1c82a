export * from './backendInfo';
export * from './invokeApi';
export * from './pathPolicy';
export * from './studioService';
