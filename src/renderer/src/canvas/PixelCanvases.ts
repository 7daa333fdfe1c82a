import type { ImageDisplay } from '../../../shared/schemas';
import type { AnnotationDoc } from '../annotation/AnnotationDoc';
import type { Rect } from '../annotation/UndoHistory';
import { compositeTile } from '../display/composite';
import { buildLut, type RawImage, renderImage } from './imageRender';
import { outlinePalette, renderLabels } from './labelOverlay';

function makeCanvas(w: number, h: number): { canvas: HTMLCanvasElement; ctx: CanvasRenderingContext2D } {
  const canvas = document.createElement('canvas');
  canvas.width = w;
  canvas.height = h;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('2D canvas unavailable');
  return { canvas, ctx };
}

/** The image as display pixels in an offscreen canvas (Konva draws it scaled, no smoothing). */
export class ImageCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly data: ImageData;

  constructor(private readonly image: RawImage) {
    ({ canvas: this.canvas, ctx: this.ctx } = makeCanvas(image.width, image.height));
    this.data = this.ctx.createImageData(image.width, image.height);
  }

  /**
   * Re-renders the whole image: one channel with the window [min, max] and LUT, 2+ channels
   * (RGB too) as a composite of the per-channel settings (display units).
   */
  render(display: ImageDisplay): void {
    const words = new Uint32Array(this.data.data.buffer);
    const { width, height, channels, data, bitDepth } = this.image;
    if (channels > 1 && display.channels.length === channels) {
      compositeTile(data, width, height, channels, display.channels, words);
    } else {
      renderImage(this.image, buildLut(bitDepth, display.min, display.max, display.lut), words);
    }
    this.ctx.putImageData(this.data, 0, 0);
  }
}

/**
 * The label overlay: one RGBA ImageData the size of the image, repainted by dirty rect only
 * (renderLabels + putImageData of that rect), so a brush dab on a 2048x2048 image costs the dab.
 * Opacity is baked into the fill alpha so outlines can stay opaque.
 */
export class LabelCanvas {
  readonly canvas: HTMLCanvasElement;
  private readonly ctx: CanvasRenderingContext2D;
  private readonly data: ImageData;
  private readonly words: Uint32Array;
  private readonly outlines = outlinePalette();

  constructor(private readonly doc: AnnotationDoc) {
    ({ canvas: this.canvas, ctx: this.ctx } = makeCanvas(doc.width, doc.height));
    this.data = this.ctx.createImageData(doc.width, doc.height);
    this.words = new Uint32Array(this.data.data.buffer);
  }

  private painted = false;

  /**
   * Repaints `rect` (whole image when omitted) with the class palette; `opacity` (0..1) is the
   * fill's alpha (object outlines stay opaque), so changing it needs a whole repaint.
   */
  update(palette: Uint32Array, opacity: number, rect?: Rect): void {
    const { doc } = this;
    // A fresh canvas is transparent: an image never labelled needs no first full repaint.
    if (!this.painted && !rect && doc.isBlank) return;
    this.painted = true;
    const r = renderLabels(
      doc.classes,
      doc.instances,
      doc.width,
      doc.height,
      rect ?? { x: 0, y: 0, w: doc.width, h: doc.height },
      { palette, outlines: this.outlines, fillAlpha: opacity * 255 },
      this.words,
    );
    this.ctx.putImageData(this.data, 0, 0, r.x, r.y, r.w, r.h);
  }
}
