export * from './createOnnxPredictor';
export * from './mirrorPad';
export * from './modelInput';
export * from './modelPredictor';
export * from './Predictor';
export * from './predictFiles';
export * from './predictImage';
export * from './tileLayout';
