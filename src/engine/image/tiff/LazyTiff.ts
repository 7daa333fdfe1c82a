import { stat } from 'node:fs/promises';
import type { BaseDecoder, GeoTIFF } from 'geotiff';
import { AppError } from '../../../shared/errors';
import { fsError } from '../../fsutil/atomicWrite';
import type { MultiChannelImage, PixelData } from '../rasterImage';
import type { MicroscopyMetadata } from './metadata';
import { TileCache } from './TileCache';
import type { TiffLevel } from './tiffLevel';
import { readTiffStructure, type TiffStructure } from './tiffStructure';
import { decoderParameters, newSamples, toSamples } from './tileSamples';
import { registerNodeInflate } from './zlibDecoder';

/** Size and tiling of one pyramid level (level 0 = full resolution). */
export interface TiffLevelInfo {
  width: number;
  height: number;
  /** Tile edge; for strips the image width and the rows per strip. */
  tileWidth: number;
  tileHeight: number;
  tiled: boolean;
}

/** A rectangle of one (z, t) plane at one level, in that level's pixels. */
export interface TiffRegion {
  x: number;
  y: number;
  width: number;
  height: number;
  /** Default 0 (full resolution). */
  level?: number;
  /** Channel indices, in the order wanted (default: all). */
  channels?: number[];
  z?: number;
  t?: number;
}

export interface LazyTiffOptions {
  /** Decoded tiles kept in memory, in bytes (default 64 MiB). */
  cacheBytes?: number;
  /** Name used in errors when `source` is bytes. */
  name?: string;
}

const DEFAULT_CACHE_BYTES = 64 * 1024 * 1024;

/**
 * A TIFF or BigTIFF opened without decoding it: size, levels, channels and metadata are
 * known, and `readRegion` decodes just the tiles or strips a rectangle touches (kept in a
 * small LRU cache). 8/16-bit unsigned samples keep their depth; 32-bit float and signed
 * 8/16-bit samples come as float32 (bitDepth 32). Call `close()` to release the file.
 */
export class LazyTiff {
  private readonly cache: TileCache<PixelData>;
  private readonly decoders = new Map<TiffLevel, Promise<BaseDecoder>>();

  private constructor(
    readonly name: string,
    private readonly geotiff: typeof import('geotiff'),
    private readonly tiff: GeoTIFF,
    private readonly structure: TiffStructure,
    cacheBytes: number,
  ) {
    this.cache = new TileCache(cacheBytes);
  }

  /**
   * Opens a file (path) or bytes. AppErrors naming the file: 'not_found', 'corrupt_file'
   * (truncated, tiles past the end, levels that disagree, bad offsets), 'unsupported_format'.
   */
  static async open(source: string | Uint8Array, options: LazyTiffOptions = {}): Promise<LazyTiff> {
    const name = options.name ?? (typeof source === 'string' ? source : 'TIFF data');
    const geotiff = await import('geotiff');
    registerNodeInflate(geotiff);
    let fileSize: number;
    let tiff: GeoTIFF;
    if (typeof source === 'string') {
      fileSize = await stat(source).then(
        (s) => s.size,
        (error: unknown) => {
          throw fsError(error, source);
        },
      );
      tiff = await openWith(() => geotiff.fromFile(source), name, fileSize);
    } else {
      fileSize = source.byteLength;
      const buffer = source.buffer.slice(
        source.byteOffset,
        source.byteOffset + source.byteLength,
      ) as ArrayBuffer;
      tiff = await openWith(() => geotiff.fromArrayBuffer(buffer), name, fileSize);
    }
    try {
      const structure = await readTiffStructure(geotiff, tiff, fileSize, name);
      return new LazyTiff(name, geotiff, tiff, structure, options.cacheBytes ?? DEFAULT_CACHE_BYTES);
    } catch (error) {
      await Promise.resolve(tiff.close()).catch(() => {});
      throw error;
    }
  }

  get width(): number {
    return this.structure.planes[0][0].width;
  }
  get height(): number {
    return this.structure.planes[0][0].height;
  }
  /** Channels of one (z, t) plane. */
  get channels(): number {
    return this.structure.metadata.sizeC;
  }
  /** 8, 16 (unsigned) or 32 (float32; also signed 8/16-bit samples). */
  get bitDepth(): 8 | 16 | 32 {
    const { bitsPerSample, sampleFormat } = this.structure.planes[0][0];
    return sampleFormat === 1 ? (bitsPerSample as 8 | 16) : 32;
  }
  get dtype(): 'uint8' | 'uint16' | 'float32' {
    return this.bitDepth === 8 ? 'uint8' : this.bitDepth === 16 ? 'uint16' : 'float32';
  }
  get metadata(): MicroscopyMetadata {
    return this.structure.metadata;
  }
  get levels(): TiffLevelInfo[] {
    return this.structure.planes[0].map(({ width, height, tileWidth, tileHeight, tiled }) => ({
      width,
      height,
      tileWidth,
      tileHeight,
      tiled,
    }));
  }
  /** Bytes of decoded tiles in the cache. */
  get cachedBytes(): number {
    return this.cache.size;
  }

  /** Reads a rectangle: samples HWC, `channels` = the channels asked for, in that order. */
  async readRegion(region: TiffRegion): Promise<MultiChannelImage> {
    const { x, y, width, height } = region;
    const level = region.level ?? 0;
    const { metadata, planes, planesC, samplesPerPlane } = this.structure;
    const channels = region.channels ?? Array.from({ length: metadata.sizeC }, (_, c) => c);
    const z = region.z ?? 0;
    const t = region.t ?? 0;
    const bad = (why: string) => new AppError('invalid_argument', `${this.name}: ${why}`);
    if (!Number.isInteger(level) || level < 0 || level >= planes[0].length)
      throw bad(`no level ${level} (${planes[0].length} levels)`);
    const info = planes[0][level];
    if (
      ![x, y, width, height].every(Number.isInteger) ||
      x < 0 ||
      y < 0 ||
      width < 1 ||
      height < 1 ||
      x + width > info.width ||
      y + height > info.height
    ) {
      throw bad(
        `region ${width}x${height} at (${x}, ${y}) is not inside level ${level} (${info.width}x${info.height})`,
      );
    }
    if (
      !Number.isInteger(z) ||
      z < 0 ||
      z >= metadata.sizeZ ||
      !Number.isInteger(t) ||
      t < 0 ||
      t >= metadata.sizeT
    ) {
      throw bad(`no plane z=${z}, t=${t} (${metadata.sizeZ} z, ${metadata.sizeT} t)`);
    }
    if (channels.length === 0 || channels.some((c) => !Number.isInteger(c) || c < 0 || c >= metadata.sizeC)) {
      throw bad(`channels [${channels.join(', ')}] are not all in 0..${metadata.sizeC - 1}`);
    }
    const out = newSamples(this.bitDepth, width * height * channels.length);
    const C = channels.length;
    await Promise.all(
      channels.map((channel, k) => {
        const cPlane = Math.floor(channel / samplesPerPlane);
        const level0 = planes[(t * metadata.sizeZ + z) * planesC + cPlane][level];
        return this.copyRegion(level0, channel % samplesPerPlane, { x, y, width, height }, out, k, C);
      }),
    );
    return { width, height, channels: C, bitDepth: this.bitDepth, data: out };
  }

  /** Stored planes at full resolution (pages of a plain TIFF; OME/ImageJ: channel planes). */
  get pages(): number {
    return this.structure.planes.length;
  }

  /** Samples each stored page holds (RGB: 3; OME/ImageJ channel pages: 1). */
  get pageSamples(): number {
    return this.structure.planes[0][0].samples;
  }

  /**
   * Reads stored plane `page` whole at full resolution, with its own samples as channels (the
   * small-image API's view of a multi-page TIFF). The caller checks the size first.
   */
  async readPage(page: number): Promise<MultiChannelImage> {
    const planes = this.structure.planes;
    if (!Number.isInteger(page) || page < 0 || page >= planes.length) {
      throw new AppError(
        'invalid_argument',
        `${this.name}: page ${page} does not exist (${planes.length} pages).`,
      );
    }
    const level = planes[page][0];
    const { width, height, samples } = level;
    const out = newSamples(this.bitDepth, width * height * samples);
    const rect = { x: 0, y: 0, width, height };
    await Promise.all(
      Array.from({ length: samples }, (_, s) => this.copyRegion(level, s, rect, out, s, samples)),
    );
    return { width, height, channels: samples, bitDepth: this.bitDepth, data: out };
  }

  /** Closes the file and drops the cache. */
  async close(): Promise<void> {
    this.cache.clear();
    await Promise.resolve(this.tiff.close());
  }

  /** Copies sample `sample` of `rect` from `level` into channel k of C-channel HWC `out`. */
  private async copyRegion(
    level: TiffLevel,
    sample: number,
    rect: { x: number; y: number; width: number; height: number },
    out: PixelData,
    k: number,
    C: number,
  ): Promise<void> {
    const { x, y, width, height } = rect;
    const stride = level.planar ? 1 : level.samples;
    const offset = level.planar ? 0 : sample;
    const tx0 = Math.floor(x / level.tileWidth);
    const tx1 = Math.floor((x + width - 1) / level.tileWidth);
    const ty0 = Math.floor(y / level.tileHeight);
    const ty1 = Math.floor((y + height - 1) / level.tileHeight);
    for (let ty = ty0; ty <= ty1; ty++) {
      for (let tx = tx0; tx <= tx1; tx++) {
        const tile = await this.tile(level, tx, ty, sample);
        const left = tx * level.tileWidth;
        const top = ty * level.tileHeight;
        const xa = Math.max(x, left);
        const xb = Math.min(x + width, left + level.tileWidth);
        const ya = Math.max(y, top);
        const yb = Math.min(y + height, top + level.tileHeight);
        for (let yy = ya; yy < yb; yy++) {
          let src = ((yy - top) * level.tileWidth + (xa - left)) * stride + offset;
          let dst = ((yy - y) * width + (xa - x)) * C + k;
          for (let xx = xa; xx < xb; xx++, src += stride, dst += C) out[dst] = tile[src];
        }
      }
    }
  }

  /** Decoded samples of one tile or strip (all samples when chunky, one when planar). */
  private tile(level: TiffLevel, tx: number, ty: number, sample: number): Promise<PixelData> {
    const part = level.planar ? sample : 0;
    return this.cache.get(`${this.levelKey(level)}/${tx}/${ty}/${part}`, async () => {
      let decoder = this.decoders.get(level);
      if (!decoder) {
        decoder = this.geotiff.getDecoder(level.compression, decoderParameters(level));
        this.decoders.set(level, decoder);
      }
      let raw: ArrayBufferLike;
      try {
        raw = (await level.image.getTileOrStrip(tx, ty, part, await decoder)).data;
      } catch (error) {
        throw new AppError(
          'corrupt_file',
          `${this.name}: ${level.tiled ? 'tile' : 'strip'} (${tx}, ${ty}) does not decode; the file is corrupt.`,
          error instanceof Error ? error.message : String(error),
        );
      }
      const rows = Math.min(level.tileHeight, level.height - ty * level.tileHeight);
      const samples =
        level.tileWidth * (level.tiled ? level.tileHeight : rows) * (level.planar ? 1 : level.samples);
      return toSamples(raw, level, samples, this.tiff.littleEndian, this.name);
    });
  }

  private readonly levelKeys = new Map<TiffLevel, number>();
  private levelKey(level: TiffLevel): number {
    let key = this.levelKeys.get(level);
    if (key === undefined) {
      key = this.levelKeys.size;
      this.levelKeys.set(level, key);
    }
    return key;
  }
}

async function openWith(open: () => Promise<GeoTIFF>, name: string, fileSize: number): Promise<GeoTIFF> {
  if (fileSize < 8)
    throw new AppError('corrupt_file', `${name}: the TIFF file is truncated or corrupt (no header).`);
  try {
    return await open();
  } catch (error) {
    if (error instanceof AppError) throw error;
    throw new AppError(
      'corrupt_file',
      `${name}: not a readable TIFF (${error instanceof Error ? error.message : String(error)}).`,
    );
  }
}
