export * from './geometry';
export * from './loss';
export * from './modelFolder';
export * from './presets';
export * from './resolveModel';
export * from './types';
export * from './unet';
