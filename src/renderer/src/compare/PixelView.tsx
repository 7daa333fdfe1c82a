import { useEffect, useRef, useState } from 'react';
import type { Viewport } from '../canvas/viewport';
import type { ViewportBinding } from './useSharedViewport';

/** An image with an overlay drawn over it at `opacity`. */
export interface Layer {
  base: HTMLCanvasElement | null;
  overlay: HTMLCanvasElement | null;
  opacity: number;
}

function drawLayer(ctx: CanvasRenderingContext2D, layer: Layer, vp: Viewport): void {
  ctx.setTransform(vp.scale, 0, 0, vp.scale, vp.x, vp.y);
  ctx.imageSmoothingEnabled = false;
  if (layer.base) ctx.drawImage(layer.base, 0, 0);
  if (layer.overlay && layer.opacity > 0) {
    ctx.globalAlpha = layer.opacity;
    ctx.drawImage(layer.overlay, 0, 0);
    ctx.globalAlpha = 1;
  }
}

/**
 * A view of one image stack under a shared viewport (pixel-exact at high zoom). With `right` and
 * `split` (0..1) it is a swipe: `left` shows left of the split line, `right` right of it.
 * `onSize` reports the view's size (the parent fits the image on first layout).
 */
export function PixelView({
  left,
  right,
  split,
  vp,
  bind,
  onSize,
  testId,
  caption,
}: {
  left: Layer;
  right?: Layer;
  split?: number;
  vp: Viewport;
  bind: ViewportBinding;
  onSize?: (w: number, h: number) => void;
  testId: string;
  caption: string;
}) {
  const host = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const onSizeRef = useRef(onSize);
  onSizeRef.current = onSize;

  useEffect(() => {
    const el = host.current;
    if (!el) return;
    const measure = () => {
      const next = { w: el.clientWidth, h: el.clientHeight };
      setSize(next);
      onSizeRef.current?.(next.w, next.h);
    };
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    measure();
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx || size.w === 0) return;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, c.width, c.height);
    if (right === undefined || split === undefined) {
      drawLayer(ctx, left, vp);
      return;
    }
    const line = Math.round(size.w * split);
    for (const [layer, x0, x1] of [
      [left, 0, line],
      [right, line, size.w],
    ] as const) {
      ctx.save();
      ctx.beginPath();
      ctx.rect(x0, 0, x1 - x0, size.h);
      ctx.clip();
      drawLayer(ctx, layer, vp);
      ctx.restore();
    }
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = '#facc15';
    ctx.fillRect(line - 1, 0, 2, size.h);
  }, [left, right, split, vp, size]);

  return (
    <div
      className="pixel-view"
      ref={host}
      data-testid={testId}
      data-scale={vp.scale}
      data-offset-x={vp.x}
      data-offset-y={vp.y}
      {...bind}
    >
      <canvas ref={canvas} width={size.w} height={size.h} />
      <span className="pixel-caption">{caption}</span>
    </div>
  );
}
