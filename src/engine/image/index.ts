export { decodeImage, decodeImageInfo, type ImageFormat, sniffFormat } from './decodeImage';
export { decodeImageAsync, decodeImageInfoAsync, isBigTiff } from './decodeImageAsync';
export { isLargeTiff, isTiffName, STREAM_PIXELS, tiffScale } from './largeTiff';
export { IMAGE_EXTENSIONS, indexByBaseName, listImages } from './listImages';
export { decodeNpy, encodeNpy, type NpyArray, readNpy, writeNpy } from './npy';
export * from './pyramid/index';
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
export { type MicroscopyImage, readMicroscopyImage, readPixelSize } from './readMicroscopyImage';
export { LazyTiff, type LazyTiffOptions, type TiffLevelInfo, type TiffRegion } from './tiff/LazyTiff';
export type { ChannelInfo, MicroscopyMetadata, PixelSize } from './tiff/metadata';
export { TiledRowWriter } from './tiff/TiledRowWriter';
export { type TiledTiffOptions, TiledTiffWriter } from './tiff/TiledTiffWriter';
export { toGrayscale } from './toGrayscale';
export { encodePng, writePng } from './writePng';
export { encodeTiff, encodeTiffSync, type TiffWriteOptions, writeTiff } from './writeTiff';
