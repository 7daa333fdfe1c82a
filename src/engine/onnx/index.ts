export * from './chooseOnnxProviders';
export * from './exportOnnx';
export * from './OnnxPredictor';
