import type { Annotation, ImagePixels } from '../../../shared/api';
import { AnnotationDoc } from '../annotation/AnnotationDoc';
import type { Autosaver } from '../annotation/Autosaver';
import type { ToolContext } from '../annotation/tools/Tool';
import type { RawImage } from '../canvas/imageRender';

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
  saver: Autosaver | null = null;
  ctx: ToolContext | null = null;

  labelsReady = false;

  constructor(
    readonly imageId: string,
    readonly pixels: ImagePixels,
  ) {
    this.raw = toDisplayable(pixels);
    this.doc = new AnnotationDoc(pixels.width, pixels.height);
  }

  /** Puts the saved labels into the document; false when their size does not match the image. */
  loadLabels(annotation: Annotation): boolean {
    if (annotation.width !== this.pixels.width || annotation.height !== this.pixels.height) return false;
    this.doc.replaceAll(annotation.classes, annotation.instances, annotation.nextInstanceId);
    this.labelsReady = true;
    return true;
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
