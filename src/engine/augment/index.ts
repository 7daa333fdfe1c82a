export { type AugmentOptions, augmentSample, type Sample } from './augmentSample';
export { createRng, type Rng } from './createRng';
export { type DisplacementField, elasticField } from './elasticField';
export { applyOrientation, type Orientation, orientationIndex } from './orient';
export { mirrorIndex, warpSample } from './warpSample';
