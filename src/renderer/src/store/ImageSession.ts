import type { Annotation, AnnotationPatch, ImagePixels, Result } from '../../../shared/api';
import type { ErrorInfo } from '../../../shared/errors';
import type { AnnotationStatus } from '../../../shared/schemas';
import { AnnotationDoc, type LabelValue } from '../annotation/AnnotationDoc';
import { Autosaver, type SaveState } from '../annotation/Autosaver';
import { noiseSigma, suggestFillTolerance } from '../annotation/tools/fillTolerance';
import type { ToolContext } from '../annotation/tools/Tool';
import type { RawImage } from '../canvas/imageRender';

/** How a session reaches the outside: the API's save, and the UI for save states and picks. */
export interface SessionHooks {
  save: (imageId: string, patch: AnnotationPatch) => Promise<Result<AnnotationStatus>>;
  onSaveState: (
    imageId: string,
    state: SaveState,
    detail: { error?: ErrorInfo; status?: AnnotationStatus },
  ) => void;
  onPick: (value: LabelValue) => void;
  onFillRefused?: (fraction: number) => void;
}

/**
 * One opened image: its pixels (as delivered, plus an 8/16-bit view for display), its label
 * document with undo history, its autosaver and the tool context. Kept per image for the whole
 * project session so undo survives switching images and tools. Created as soon as the pixels
 * arrive (the image paints first); the saved labels follow via `loadLabels`, and tools stay
 * idle until then (`labelsReady`).
 */
export class ImageSession {
  readonly raw: RawImage;
  readonly doc: AnnotationDoc;
  readonly saver: Autosaver;
  /** What the tools of this image read and write (settings are copied in before each gesture). */
  readonly ctx: ToolContext;
  labelsReady = false;
  /** Pixel noise (standard deviation, the image's own units) and the Fill tolerance it suggests. */
  readonly noise: number;
  readonly fillTolerance: number;

  constructor(
    readonly imageId: string,
    readonly pixels: ImagePixels,
    hooks: SessionHooks,
  ) {
    this.raw = toDisplayable(pixels);
    this.doc = new AnnotationDoc(pixels.width, pixels.height);
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
      // The image's own values (float ones too), so the tolerance is in the units the user sees.
      intensity: { data: pixels.data, channels: pixels.channels },
      onPick: hooks.onPick,
      onFillRefused: hooks.onFillRefused,
    };
    this.noise = noiseSigma(pixels.data, pixels.channels, pixels.width, pixels.height);
    this.fillTolerance = suggestFillTolerance(this.noise, pixels.stats, pixels.bitDepth === 32);
  }

  /** Puts the saved labels into the document; false when their size does not match the image. */
  loadLabels(annotation: Annotation): boolean {
    if (annotation.width !== this.pixels.width || annotation.height !== this.pixels.height) return false;
    this.doc.replaceAll(annotation.classes, annotation.instances, annotation.nextInstanceId);
    this.labelsReady = true;
    return true;
  }

  /**
   * Auto contrast: the window between the 0.5 and 99.5 percentiles the server measured (in
   * display units: quantised for float images).
   */
  autoWindow(): { min: number; max: number } {
    const { low, high, min, max } = this.pixels.stats;
    if (this.pixels.bitDepth !== 32) return { min: low, max: Math.max(high, low + 1) };
    const q = (v: number) => Math.round(((v - min) / Math.max(1e-12, max - min)) * 65535);
    return { min: q(low), max: Math.max(q(high), q(low) + 1) };
  }

  /** Raw value(s) at pixel (x, y) as text ("1234" or "12, 40, 7"). */
  valueAt(x: number, y: number): string {
    const { data, channels, width } = this.pixels;
    const i = (y * width + x) * channels;
    const values: string[] = [];
    for (let c = 0; c < channels; c++) {
      const v = data[i + c];
      values.push(Number.isInteger(v) ? String(v) : v.toPrecision(4));
    }
    return values.join(', ');
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
