export * from './distanceTransform';
export * from './predictedObjects';
