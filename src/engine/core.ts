// The engine's parts that need no model runtime: errors, image IO, metrics, weight maps and
// atomic writes, with neither TensorFlow.js nor ONNX Runtime anywhere below them. Shells that
// need nothing more (the CLI's evaluate and weightmap) import this instead of engine/index,
// which re-exports the same modules, so they start in milliseconds.
export * from '../shared/errors';
export * from './fsutil/index';
export * from './image/index';
export * from './metrics/index';
export * from './weightmap/index';
