import { AppError } from '../../shared/errors';
import { decodeImage, decodeImageInfo } from './decodeImage';
import { checkImageSize, checkSampleCount, type ImageInfo, type RasterImage } from './rasterImage';
import { LazyTiff } from './tiff/LazyTiff';

/** Whether `bytes` start with a BigTIFF header (byte order + 43). */
export function isBigTiff(bytes: Uint8Array): boolean {
  if (bytes.length < 4) return false;
  return (
    (bytes[0] === 0x49 && bytes[1] === 0x49 && bytes[2] === 43 && bytes[3] === 0) ||
    (bytes[0] === 0x4d && bytes[1] === 0x4d && bytes[2] === 0 && bytes[3] === 43)
  );
}

/**
 * `decodeImage` for every format, BigTIFF included: BigTIFF pages are decoded through the
 * region reader (geotiff), everything else as `decodeImage` does. Same errors, same limits.
 */
export async function decodeImageAsync(
  bytes: Uint8Array,
  name: string,
  page?: number,
): Promise<RasterImage[]> {
  if (!isBigTiff(bytes)) return decodeImage(bytes, name, page);
  const tiff = await LazyTiff.open(bytes, { name });
  try {
    const wanted = page === undefined ? Array.from({ length: tiff.pages }, (_, p) => p) : [page];
    const images: RasterImage[] = [];
    for (const p of wanted) {
      const what = `${name} (page ${p})`;
      if (p < 0 || p >= tiff.pages || !Number.isInteger(p)) {
        throw new AppError('invalid_argument', `${name}: page ${p} does not exist (${tiff.pages} pages).`);
      }
      const { width, height } = tiff.levels[0];
      checkImageSize(width, height, what);
      images.push(asRaster(await tiff.readPage(p), what));
    }
    return images;
  } finally {
    await tiff.close();
  }
}

/** `decodeImageInfo` for every format, BigTIFF included. */
export async function decodeImageInfoAsync(bytes: Uint8Array, name: string): Promise<ImageInfo> {
  if (!isBigTiff(bytes)) return decodeImageInfo(bytes, name);
  const tiff = await LazyTiff.open(bytes, { name });
  await tiff.close();
  const { width, height } = tiff.levels[0];
  checkImageSize(width, height, name);
  return {
    width,
    height,
    channels: rasterChannels(tiff.pageSamples, name),
    bitDepth: tiff.bitDepth,
    pages: tiff.pages,
  };
}

/** A page's samples as a RasterImage: 1, 3, 4 kept; gray + alpha widened to RGBA as decodeTiff does. */
function asRaster(
  page: { width: number; height: number; channels: number; bitDepth: 8 | 16 | 32; data: RasterImage['data'] },
  name: string,
): RasterImage {
  const channels = rasterChannels(page.channels, name);
  if (page.channels === 2) {
    const n = page.width * page.height;
    const Ctor = page.data.constructor as new (length: number) => RasterImage['data'];
    const out = new Ctor(n * 4);
    for (let i = 0; i < n; i++) {
      out[i * 4] = out[i * 4 + 1] = out[i * 4 + 2] = page.data[i * 2];
      out[i * 4 + 3] = page.data[i * 2 + 1];
    }
    return checkSampleCount({ ...page, channels, data: out }, name);
  }
  return checkSampleCount({ ...page, channels }, name);
}

function rasterChannels(samples: number, name: string): 1 | 3 | 4 {
  if (samples === 1 || samples === 3 || samples === 4) return samples;
  if (samples === 2) return 4;
  throw new AppError('unsupported_format', `${name}: ${samples} samples per pixel are not supported.`);
}
