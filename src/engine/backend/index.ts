export * from './checkTrainingFits';
export * from './initBackend';
export * from './quietTensorFlowAdvert';
export * from './types';
export * from './wasmGradKernels';
export * from './wasmThreads';
export * from './webgpuAdapter';
export * from './webgpuBackend';
