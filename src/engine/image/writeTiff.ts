import { writeFileAtomic } from '../fsutil/atomicWrite';
import { assertRaster, type RasterImage } from './rasterImage';

/**
 * Encodes one image as an uncompressed baseline TIFF (one strip, big-endian) with geotiff's
 * writer: uint8, uint16 or float32 samples (SampleFormat 1 or 3), gray, RGB or RGBA (alpha as
 * an unassociated extra sample). geotiff always adds a GeoKeyDirectory and a pixel scale;
 * we pass an empty key set and a scale of 1 so the file claims no map projection.
 * geotiff is loaded on first use: it costs ~0.1 s to import and most runs never write TIFF.
 */
export async function encodeTiff(img: RasterImage, name = 'TIFF image'): Promise<Uint8Array> {
  assertRaster(img, name);
  const { writeArrayBuffer } = await import('geotiff');
  const { width, height, channels, bitDepth } = img;
  const buffer = writeArrayBuffer(img.data, {
    width,
    height,
    SamplesPerPixel: channels,
    BitsPerSample: Array.from({ length: channels }, () => bitDepth),
    SampleFormat: Array.from({ length: channels }, () => (bitDepth === 32 ? 3 : 1)),
    PhotometricInterpretation: channels === 1 ? 1 : 2,
    ExtraSamples: channels === 4 ? [2] : 0,
    ModelPixelScale: [1, 1, 0],
    GeographicTypeGeoKey: undefined,
  });
  return new Uint8Array(buffer);
}

/** Writes a TIFF atomically (see `encodeTiff` for the layout). */
export async function writeTiff(path: string, img: RasterImage): Promise<void> {
  await writeFileAtomic(path, await encodeTiff(img, path));
}
