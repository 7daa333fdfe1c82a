export { decodeImage, decodeImageInfo, type ImageFormat, sniffFormat } from './decodeImage';
export { IMAGE_EXTENSIONS, indexByBaseName, listImages } from './listImages';
export { decodeNpy, encodeNpy, type NpyArray, readNpy, writeNpy } from './npy';
export {
  checkImageSize,
  type ImageInfo,
  MAX_IMAGE_PIXELS,
  MAX_IMAGE_SIDE,
  type MultiChannelImage,
  type PixelData,
  type RasterImage,
} from './rasterImage';
export { imageInfo, readImage, readImageStack } from './readImage';
export { toGrayscale } from './toGrayscale';
export { encodePng, writePng } from './writePng';
export { encodeTiff, encodeTiffSync, type TiffWriteOptions, writeTiff } from './writeTiff';
