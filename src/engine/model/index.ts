export * from './geometry';
export * from './loss';
export * from './presets';
export * from './types';
export * from './unet';
