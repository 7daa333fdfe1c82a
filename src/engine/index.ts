// Public surface of the engine: shells (main, server, cli) import from here only.
// Each area has its own barrel so that areas grow without touching one another.
export * from '../shared/errors';
export * from './augment/index';
export * from './backend/index';
export * from './bioimageio/index';
export * from './fsutil/index';
export * from './image/index';
export * from './instances/index';
export * from './metrics/index';
export * from './model/index';
export * from './onnx/index';
export * from './prediction/index';
export * from './project/index';
export * from './training/index';
export * from './weightmap/index';
