export { buildPyramidCache, type PyramidCacheOptions } from './buildPyramidCache';
export { halvingLevels, type ImagePyramid, tileRect } from './ImagePyramid';
export { cropImage, halveImage, MemoryPyramid } from './MemoryPyramid';
export { TiffPyramid } from './TiffPyramid';
