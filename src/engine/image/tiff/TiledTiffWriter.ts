import { randomBytes } from 'node:crypto';
import { type FileHandle, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { deflate as deflateCallback } from 'node:zlib';
import { AppError } from '../../../shared/errors';
import { fsError, syncDir } from '../../fsutil/atomicWrite';
import type { PixelData } from '../rasterImage';
import { resolutionTags } from '../writeTiff';
import { encodeHeader, encodeIfd, headerSize, ifdByteLength, TAG, type TagEntry } from './ifd';
import type { PixelSize } from './metadata';
import { formatOmeXml } from './omeXml';
import { type Downsample, PyramidBands } from './pyramidBands';

const deflate = promisify(deflateCallback);

export interface TiledTiffOptions {
  width: number;
  height: number;
  /** 1 to 4 interleaved samples (1 gray, 3 RGB, 4 RGBA, 2 two unspecified channels). */
  channels: number;
  bitDepth: 8 | 16 | 32;
  /** Tile edge in pixels, a multiple of 16 (TIFF 6.0 section 15); default 512. */
  tileSize?: number;
  /** Default 'deflate' (zlib, Compression 8). */
  compression?: 'deflate' | 'none';
  /** Pyramid levels including full resolution, each half the previous; default 1. */
  levels?: number;
  /** How a pyramid level halves the one above: 'nearest' (labels, default) or 'mean'. */
  downsample?: Downsample;
  /** Micrometres per pixel at full resolution (ImageJ unit + resolution tags per level). */
  pixelSize?: PixelSize;
}

interface Level {
  width: number;
  height: number;
  tilesX: number;
  tilesY: number;
  offsets: Float64Array;
  byteCounts: Float64Array;
  written: Uint8Array;
  bands?: PyramidBands;
}

/**
 * Writes a tiled BigTIFF tile by tile with bounded memory: each tile is compressed and
 * appended as it comes, the tile tables and directories are written by `close()`, which then
 * renames the temporary file over `path` (a crash or `abort()` leaves no half-written file).
 * The description is OME-XML (size, type, pixel size) and pyramid levels are
 * reduced-resolution SubIFDs of the full-resolution directory: the OME-TIFF pyramid layout
 * that Bio-Formats (Fiji), QuPath and tifffile read. Levels are built on the fly from the
 * tiles written (see PyramidBands). Tiles never written are stored as zeros, and all zero
 * tiles share one stored copy. Memory: the tile tables plus about two tile rows per level.
 */
export class TiledTiffWriter {
  readonly tileSize: number;
  readonly levels: readonly Level[];
  private position: number;
  private closed = false;
  private aborted = false;
  private zeroTile?: { offset: number; bytes: number };

  private constructor(
    readonly path: string,
    private readonly temp: string,
    private readonly handle: FileHandle,
    private readonly options: Required<Omit<TiledTiffOptions, 'pixelSize'>> & { pixelSize?: PixelSize },
  ) {
    this.tileSize = options.tileSize;
    const levels: Level[] = [];
    let { width, height } = options;
    for (let l = 0; l < options.levels; l++) {
      const tilesX = Math.ceil(width / this.tileSize);
      const tilesY = Math.ceil(height / this.tileSize);
      const count = tilesX * tilesY;
      levels.push({
        width,
        height,
        tilesX,
        tilesY,
        offsets: new Float64Array(count),
        byteCounts: new Float64Array(count),
        written: new Uint8Array(count),
      });
      width = Math.ceil(width / 2);
      height = Math.ceil(height / 2);
    }
    levels.forEach((level, l) => {
      if (l + 1 < levels.length) {
        level.bands = new PyramidBands(
          level.tilesX,
          level.tilesY,
          this.tileSize,
          options.channels,
          (n) => this.newArray(n),
          options.downsample,
          (tx, ty, tile) => this.storeTile(l + 1, tx, ty, tile),
        );
      }
    });
    this.levels = levels;
    this.position = headerSize(true);
  }

  /** Opens the temporary file beside `path`. AppErrors: 'invalid_argument', 'disk_full', 'read_only'. */
  static async create(path: string, options: TiledTiffOptions): Promise<TiledTiffWriter> {
    const full = {
      tileSize: 512,
      compression: 'deflate' as const,
      levels: 1,
      downsample: 'nearest' as const,
      ...options,
    };
    checkOptions(full, path);
    const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
    let handle: FileHandle;
    try {
      await mkdir(dirname(path), { recursive: true });
      handle = await open(temp, 'w');
      await handle.write(encodeHeader(true, 0), 0, headerSize(true), 0);
    } catch (error) {
      await rm(temp, { force: true }).catch(() => {});
      throw fsError(error, path);
    }
    return new TiledTiffWriter(path, temp, handle, full);
  }

  /** Interleaved samples per pixel. */
  get channels(): number {
    return this.options.channels;
  }
  get bitDepth(): 8 | 16 | 32 {
    return this.options.bitDepth;
  }

  /** Tiles per row and column at full resolution. */
  get tilesX(): number {
    return this.levels[0].tilesX;
  }
  get tilesY(): number {
    return this.levels[0].tilesY;
  }

  /**
   * Writes full-resolution tile (tx, ty): `data` holds w x h x channels samples HWC, where w, h
   * are the tile's size clipped to the image (tileSize at the inside, less at the right and
   * bottom edges) or the full tileSize. Each tile once.
   */
  async writeTile(tx: number, ty: number, data: PixelData): Promise<void> {
    if (this.closed) throw new AppError('invalid_argument', `${this.path}: the writer is closed`);
    const level = this.levels[0];
    const T = this.tileSize;
    if (
      !Number.isInteger(tx) ||
      !Number.isInteger(ty) ||
      tx < 0 ||
      ty < 0 ||
      tx >= level.tilesX ||
      ty >= level.tilesY
    ) {
      throw new AppError(
        'invalid_argument',
        `${this.path}: tile (${tx}, ${ty}) is outside ${level.tilesX}x${level.tilesY} tiles`,
      );
    }
    const w = Math.min(T, level.width - tx * T);
    const h = Math.min(T, level.height - ty * T);
    const C = this.options.channels;
    if (this.newArray(0).constructor !== data.constructor) {
      throw new AppError(
        'invalid_argument',
        `${this.path}: ${data.constructor.name} samples for a ${this.options.bitDepth}-bit TIFF`,
      );
    }
    let tile: PixelData;
    if (data.length === T * T * C) tile = data;
    else if (data.length === w * h * C) {
      tile = this.newArray(T * T * C);
      for (let y = 0; y < h; y++) tile.set(data.subarray(y * w * C, (y + 1) * w * C), y * T * C);
    } else {
      throw new AppError(
        'size_mismatch',
        `${this.path}: tile (${tx}, ${ty}) has ${data.length} samples, expected ${w}x${h}x${C}`,
      );
    }
    await this.storeTile(0, tx, ty, tile);
  }

  /** Writes the tile tables, the directories and the header, then renames the file into place. */
  async close(): Promise<void> {
    if (this.aborted)
      throw new AppError('invalid_argument', `${this.path}: the writer was aborted; nothing was written`);
    if (this.closed) return;
    try {
      for (const [l, level] of this.levels.entries()) {
        for (let i = 0; i < level.written.length; i++) {
          if (!level.written[i])
            await this.storeTile(
              l,
              i % level.tilesX,
              Math.floor(i / level.tilesX),
              this.newArray(this.tileSize ** 2 * this.options.channels),
            );
        }
      }
      const ifds = this.levels.map((level, l) => this.directory(level, l));
      // Reduced levels first, so the full-resolution directory can list them as SubIFDs.
      const at: number[] = [];
      let offset = this.position + (this.position % 2);
      for (let l = ifds.length - 1; l >= 0; l--) {
        if (l === 0 && ifds.length > 1) ifds[0].push({ tag: TAG.SubIFDs, type: 'IFD8', values: at.slice(1) });
        at[l] = offset;
        offset += ifdByteLength(ifds[l], true);
      }
      for (let l = ifds.length - 1; l >= 0; l--) {
        const { bytes } = encodeIfd(ifds[l], at[l], true, 0);
        await this.handle.write(bytes, 0, bytes.length, at[l]);
      }
      await this.handle.write(encodeHeader(true, at[0]), 0, headerSize(true), 0);
      await this.handle.sync();
      await this.handle.close();
      this.closed = true;
      await rename(this.temp, this.path);
      await syncDir(dirname(this.path));
    } catch (error) {
      await this.abort();
      throw fsError(error, this.path);
    }
  }

  /** Stops writing and removes the temporary file; `path` is left as it was. */
  async abort(): Promise<void> {
    this.aborted = true;
    if (!this.closed) {
      this.closed = true;
      await this.handle.close().catch(() => {});
    }
    await rm(this.temp, { force: true }).catch(() => {});
  }

  private async storeTile(l: number, tx: number, ty: number, tile: PixelData): Promise<void> {
    const level = this.levels[l];
    const index = ty * level.tilesX + tx;
    if (level.written[index]) {
      throw new AppError(
        'invalid_argument',
        `${this.path}: tile (${tx}, ${ty}) of level ${l} was already written`,
      );
    }
    level.written[index] = 1;
    const raw = new Uint8Array(tile.buffer, tile.byteOffset, tile.byteLength);
    // Empty areas (most of a mask) share one stored zero tile.
    const isZero = raw.every((b) => b === 0);
    if (isZero && this.zeroTile) {
      level.offsets[index] = this.zeroTile.offset;
      level.byteCounts[index] = this.zeroTile.bytes;
    } else {
      const bytes = this.options.compression === 'deflate' ? new Uint8Array(await deflate(raw)) : raw;
      level.offsets[index] = this.position;
      level.byteCounts[index] = bytes.length;
      if (isZero) this.zeroTile = { offset: this.position, bytes: bytes.length };
      try {
        await this.handle.write(bytes, 0, bytes.length, this.position);
      } catch (error) {
        await this.abort();
        throw fsError(error, this.path);
      }
      this.position += bytes.length;
    }
    await level.bands?.add(tx, ty, tile);
  }

  private directory(level: Level, l: number): TagEntry[] {
    const { channels, bitDepth, pixelSize, compression } = this.options;
    const perSample = (value: number) => Array.from({ length: channels }, () => value);
    const scale = 2 ** l;
    const entries: TagEntry[] = [
      { tag: TAG.NewSubfileType, type: 'LONG', values: [l === 0 ? 0 : 1] },
      { tag: TAG.ImageWidth, type: 'LONG', values: [level.width] },
      { tag: TAG.ImageLength, type: 'LONG', values: [level.height] },
      { tag: TAG.BitsPerSample, type: 'SHORT', values: perSample(bitDepth) },
      { tag: TAG.Compression, type: 'SHORT', values: [compression === 'deflate' ? 8 : 1] },
      { tag: TAG.Photometric, type: 'SHORT', values: [channels >= 3 ? 2 : 1] },
      { tag: TAG.SamplesPerPixel, type: 'SHORT', values: [channels] },
      { tag: TAG.PlanarConfiguration, type: 'SHORT', values: [1] },
      { tag: TAG.TileWidth, type: 'SHORT', values: [this.tileSize] },
      { tag: TAG.TileLength, type: 'SHORT', values: [this.tileSize] },
      { tag: TAG.TileOffsets, type: 'LONG8', values: Array.from(level.offsets) },
      { tag: TAG.TileByteCounts, type: 'LONG8', values: Array.from(level.byteCounts) },
      { tag: TAG.SampleFormat, type: 'SHORT', values: perSample(bitDepth === 32 ? 3 : 1) },
      { tag: TAG.Software, type: 'ASCII', values: 'U-Net Studio' },
    ];
    if (channels === 4) entries.push({ tag: TAG.ExtraSamples, type: 'SHORT', values: [2] });
    if (channels === 2) entries.push({ tag: TAG.ExtraSamples, type: 'SHORT', values: [0] });
    if (l === 0) {
      const description = formatOmeXml({
        width: level.width,
        height: level.height,
        channels,
        bitDepth,
        pixelSize,
      });
      entries.push({ tag: TAG.ImageDescription, type: 'ASCII', values: description });
    }
    if (pixelSize) entries.push(...resolutionTags({ x: pixelSize.x * scale, y: pixelSize.y * scale }));
    return entries;
  }

  private newArray(length: number): PixelData {
    const { bitDepth } = this.options;
    return bitDepth === 8
      ? new Uint8Array(length)
      : bitDepth === 16
        ? new Uint16Array(length)
        : new Float32Array(length);
  }
}

function checkOptions(options: Required<Omit<TiledTiffOptions, 'pixelSize'>>, path: string): void {
  const { width, height, channels, bitDepth, tileSize, levels } = options;
  const bad = (why: string) => new AppError('invalid_argument', `${path}: ${why}`);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw bad(`size ${width}x${height} is not positive integers`);
  }
  if (!Number.isInteger(channels) || channels < 1 || channels > 4)
    throw bad(`${channels} channels; 1 to 4 are written`);
  if (![8, 16, 32].includes(bitDepth)) throw bad(`bit depth ${bitDepth}; 8, 16 or 32 (float) are written`);
  if (!Number.isInteger(tileSize) || tileSize < 16 || tileSize % 16 !== 0 || tileSize > 65520) {
    throw bad(`tile size ${tileSize} is not a multiple of 16 (TIFF tiles are)`);
  }
  if (!Number.isInteger(levels) || levels < 1 || levels > 16) throw bad(`${levels} pyramid levels; 1 to 16`);
}
