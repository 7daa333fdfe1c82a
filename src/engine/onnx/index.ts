export * from './exportOnnx';
export * from './OnnxPredictor';
