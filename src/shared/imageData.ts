import type { IntensityStats } from './schemas';

/**
 * Plain data that both the engine and the API contract speak of: raw pixels, label images and
 * predictions. Not the contract itself (the engine never imports src/shared/api*.ts); the
 * contract re-exports these types for its clients.
 */

/** Largest image side the app accepts, pixels (decoders refuse more; the API checks patches). */
export const MAX_IMAGE_SIDE = 16_384;
/** Largest pixel count the app accepts (2^28, i.e. 16384 x 16384). */
export const MAX_IMAGE_PIXELS = 2 ** 28;

/** Sample type of a raw image: 8-bit, 16-bit unsigned, or 32-bit float. */
export type PixelArray = Uint8Array | Uint16Array | Float32Array;

/**
 * Raw pixels of one image: row-major, channels interleaved (`data.length = width * height *
 * channels`), `data` is Uint8Array for bitDepth 8, Uint16Array for 16, Float32Array for 32.
 */
export interface ImagePixels {
  imageId: string;
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16 | 32;
  data: PixelArray;
  stats: IntensityStats;
}

/**
 * The label images of one image: `classes` (0 = unlabelled, else a class id) and `instances`
 * (0 = none, else an object id), both row-major `width * height`. `nextInstanceId` is one past
 * the largest id in use.
 */
export interface Annotation {
  imageId: string;
  width: number;
  height: number;
  classes: Uint8Array;
  instances: Uint16Array;
  nextInstanceId: number;
}

/** A rectangle of both label images (`w * h` values each), written over the saved ones. */
export interface AnnotationPatch {
  x: number;
  y: number;
  w: number;
  h: number;
  classes: Uint8Array;
  instances: Uint16Array;
}

/** A stored prediction of one image (network classes, probabilities HWC, objects). */
export interface Prediction {
  /** The model; for a training preview, where the weights came from ("<runId> checkpoint @ step N"). */
  modelId: string;
  imageId: string;
  width: number;
  height: number;
  classCount: number;
  /** Arg-max network class per pixel. */
  classes: Uint8Array;
  /** Foreground probability per pixel (1 - P(background)), 0..1. */
  foreground: Float32Array;
  /** Objects (ids 1..objects): touching objects separated by a watershed (engine instances/). */
  instances: Uint16Array;
  objects: number;
}

/**
 * Edge of the tiles that images and labels travel in, pixels. Every image is served as tiles
 * of a multiscale pyramid (a small image is one level of a few tiles), and labels are stored
 * and fetched as sparse tiles of this size on the full-resolution grid.
 */
export const TILE_SIZE = 512;
/**
 * Images over this many pixels are never held whole (read region by region from their TIFF):
 * prediction streams them, and views that need the whole image show what to do instead.
 */
export const LARGE_IMAGE_PIXELS = 4096 * 4096;
/** Largest side of an image opened as tiles (never decoded whole), pixels. */
export const MAX_TILED_IMAGE_SIDE = 1 << 20;

/** One level of an image pyramid: level 0 is full resolution, each next about half. */
export interface PyramidLevel {
  width: number;
  height: number;
}

/** What the viewer needs to fetch tiles of an image: size, sample type and pyramid levels. */
export interface ImageTileInfo {
  imageId: string;
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16 | 32;
  /** Tile edge of every level (TILE_SIZE). */
  tileSize: number;
  /** Level 0 first; level l tile (tx, ty) covers level pixels [tx*tileSize, ...). */
  levels: PyramidLevel[];
  stats: IntensityStats;
}

/**
 * Raw pixels of one tile of one level, HWC as ImagePixels (`width`, `height` clipped at the
 * right and bottom edges of the level). Raw channels and bit depth are kept: the UI composites.
 */
export interface ImageTile {
  imageId: string;
  level: number;
  tx: number;
  ty: number;
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16 | 32;
  data: PixelArray;
}

/** Which label tiles of an image exist (never-annotated tiles are absent) and the next free id. */
export interface LabelTileIndex {
  imageId: string;
  width: number;
  height: number;
  tileSize: number;
  /** [tx, ty] of every stored tile. */
  tiles: [number, number][];
  nextInstanceId: number;
}

/** Both label images of one tile, TILE_SIZE x TILE_SIZE each (zero past the image's edge). */
export interface LabelTile {
  imageId: string;
  tx: number;
  ty: number;
  classes: Uint8Array;
  instances: Uint16Array;
}
