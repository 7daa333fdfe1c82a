export * from './createOnnxPredictor';
export * from './mirrorPad';
export * from './Predictor';
export * from './predictImage';
export * from './tileLayout';
