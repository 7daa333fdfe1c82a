import {
  type Annotation,
  type AnnotationPatch,
  type ImagePixels,
  type ImageTile,
  type ImageTileInfo,
  type LabelTile,
  type LabelTileIndex,
  type Result,
  TILE_SIZE,
} from '../../../shared/api';
import type { ErrorInfo } from '../../../shared/errors';
import type { AnnotationStatus } from '../../../shared/schemas';
import { AnnotationDoc, type LabelValue } from '../annotation/AnnotationDoc';
import { Autosaver, type SaveState } from '../annotation/Autosaver';
import { noiseSigma, suggestFillTolerance } from '../annotation/tools/fillTolerance';
import type { ToolContext } from '../annotation/tools/Tool';
import { ImageTileCache } from '../canvas/ImageTileCache';
import type { RawImage } from '../canvas/imageRender';
import { dataRange } from '../display/imageDisplay';

/** How a session reaches the outside: the API's save, and the UI for save states and picks. */
export interface SessionHooks {
  /** One tile of the image's pyramid (the only way pixels reach the UI). */
  fetchTile: (imageId: string, level: number, tx: number, ty: number) => Promise<Result<ImageTile>>;
  save: (imageId: string, patch: AnnotationPatch) => Promise<Result<AnnotationStatus>>;
  onSaveState: (
    imageId: string,
    state: SaveState,
    detail: { error?: ErrorInfo; status?: AnnotationStatus },
  ) => void;
  onPick: (value: LabelValue) => void;
  onFillRefused?: (fraction: number) => void;
}

/** Size and sample type of an opened image as displayed (float is shown as 16-bit). */
export interface DisplayFormat {
  width: number;
  height: number;
  channels: number;
  bitDepth: 8 | 16;
}

/**
 * One opened image: its pyramid description and tile cache (pixels arrive tile by tile, only
 * those in view), its label document with undo history, its autosaver and the tool context.
 * Kept per image for the whole project session so undo survives switching images and tools.
 * Created as soon as the image's description arrives (the first tiles paint next); the saved
 * label tiles follow via `loadLabelTiles`, and tools stay idle until then (`labelsReady`).
 */
export class ImageSession {
  readonly raw: DisplayFormat;
  readonly tiles: ImageTileCache;
  readonly doc: AnnotationDoc;
  readonly saver: Autosaver;
  /** What the tools of this image read and write (settings are copied in before each gesture). */
  readonly ctx: ToolContext;
  labelsReady = false;
  /**
   * Pixel noise (standard deviation, display units; null until `loadSample`) and the Fill
   * tolerance it suggests (from the intensity range alone before that).
   */
  noise: number | null = null;
  fillTolerance: number;
  /** The coarsest pyramid level's pixels (the histogram's data), once `loadSample` got it. */
  sample: RawImage | null = null;

  constructor(
    readonly imageId: string,
    readonly info: ImageTileInfo,
    hooks: SessionHooks,
  ) {
    const { width, height, channels, bitDepth } = info;
    this.raw = { width, height, channels, bitDepth: bitDepth === 8 ? 8 : 16 };
    this.tiles = new ImageTileCache(info, (level, tx, ty) => hooks.fetchTile(imageId, level, tx, ty));
    this.doc = new AnnotationDoc(width, height);
    this.saver = new Autosaver({
      imageId,
      doc: this.doc,
      save: hooks.save,
      onState: (state, detail) => hooks.onSaveState(imageId, state, detail),
    });
    this.ctx = {
      doc: this.doc,
      classId: 2,
      // Class 1 is background; every other class holds objects with their own instance ids.
      isObjectClass: (c) => c >= 2,
      instanceMode: true,
      continueObject: false,
      currentObjectId: 0,
      brushSize: 12,
      fillMode: 'intensity',
      fillTolerance: 10,
      // Display units (float images quantised, like the sliders), as the tolerance is.
      intensity: { valueAt: (x, y) => this.displayValueAt(x, y) },
      onPick: hooks.onPick,
      onFillRefused: hooks.onFillRefused,
    };
    this.fillTolerance = suggestFillTolerance(0, dataRange(this.info, -1), false);
  }

  /**
   * Fetches what the display panel's histogram and the Fill tolerance are measured on, without
   * the whole image: the coarsest pyramid level (one tile: the histogram's `sample`) and the
   * full-resolution tile at the centre (the pixel noise; averaged levels would hide it).
   */
  async loadSample(): Promise<void> {
    const { levels, tileSize, width, height } = this.info;
    const centre = await this.tiles.fetch(
      0,
      Math.floor(width / 2 / tileSize),
      Math.floor(height / 2 / tileSize),
    );
    if (centre) {
      this.noise = noiseSigma(centre.data, centre.channels, centre.width, centre.height);
      this.fillTolerance = suggestFillTolerance(this.noise, dataRange(this.info, -1), false);
    }
    this.sample = (await this.tiles.fetch(levels.length - 1, 0, 0)) ?? centre ?? null;
  }

  /** The description a session of pixels delivered whole has (tests, small images). */
  static infoOf(pixels: ImagePixels): ImageTileInfo {
    const { imageId, width, height, channels, bitDepth, stats } = pixels;
    return {
      imageId,
      width,
      height,
      channels,
      bitDepth,
      stats,
      tileSize: TILE_SIZE,
      levels: [{ width, height }],
    };
  }

  /** Puts the saved labels into the document; false when their size does not match the image. */
  loadLabels(annotation: Annotation): boolean {
    if (annotation.width !== this.info.width || annotation.height !== this.info.height) return false;
    this.doc.replaceAll(annotation.classes, annotation.instances, annotation.nextInstanceId);
    this.labelsReady = true;
    return true;
  }

  /** Puts the saved label tiles into the document; false when the index is of another size. */
  loadLabelTiles(index: LabelTileIndex, tiles: LabelTile[]): boolean {
    if (index.width !== this.info.width || index.height !== this.info.height) return false;
    this.doc.loadTiles(tiles, index.nextInstanceId);
    this.labelsReady = true;
    return true;
  }

  /**
   * Auto contrast: the window between the 0.5 and 99.5 percentiles the server measured (in
   * display units: quantised for float images).
   */
  autoWindow(): { min: number; max: number } {
    const { low, high } = dataRange(this.info, -1);
    return { min: low, max: Math.max(high, low + 1) };
  }

  /** Raw value(s) at pixel (x, y) as text ("1234" or "12, 40, 7"); "…" while its tile loads. */
  valueAt(x: number, y: number): string {
    const values: string[] = [];
    for (let c = 0; c < this.info.channels; c++) {
      const v = this.tiles.valueAt(x, y, c);
      if (Number.isNaN(v)) return '…';
      values.push(this.info.bitDepth === 32 ? this.rawFromDisplay(v).toPrecision(4) : String(v));
    }
    return values.join(', ');
  }

  /** First-channel display value at (x, y) (float: quantised units), NaN while its tile loads. */
  private displayValueAt(x: number, y: number): number {
    return this.tiles.valueAt(x, y);
  }

  /** A quantised 16-bit display value back in raw float units. */
  private rawFromDisplay(v: number): number {
    const { min, max } = this.info.stats;
    return min + (v / 65535) * (max - min);
  }
}

/**
 * 8- and 16-bit pixels are shown as they are; 32-bit float is quantised to 16 bits over its
 * [min, max] so the same LUT path draws it (the window is then in quantised units).
 */
export function toDisplayable(p: ImagePixels): RawImage {
  if (p.bitDepth === 8 || p.bitDepth === 16) {
    return {
      width: p.width,
      height: p.height,
      channels: p.channels,
      bitDepth: p.bitDepth,
      data: p.data as Uint8Array | Uint16Array,
    };
  }
  const { min, max } = p.stats;
  const scale = max > min ? 65535 / (max - min) : 0;
  const q = new Uint16Array(p.data.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round((p.data[i] - min) * scale);
  return { width: p.width, height: p.height, channels: p.channels, bitDepth: 16, data: q };
}
