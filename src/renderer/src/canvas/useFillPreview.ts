import { useEffect, useMemo, useRef } from 'react';
import { FillTool } from '../annotation/tools/FillTool';
import { fillPreviewInfo, regionOverlay } from '../annotation/tools/fillPreview';
import { type FillRegion, MAX_FILL_FRACTION } from '../annotation/tools/fillRegion';
import type { Tool } from '../annotation/tools/Tool';
import type { ImageSession } from '../store/ImageSession';
import type { StudioController } from '../store/StudioController';

interface Shown {
  region: FillRegion;
  /** Null for an empty or truncated region, or one a click leaves as it is (the panel says). */
  overlay: { canvas: HTMLCanvasElement; step: number } | null;
  /** A click here leaves every pixel as it is. */
  unchanged: boolean;
}

function hexRgb(hex: string | undefined): [number, number, number] {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex ?? '');
  return m ? [parseInt(m[1], 16), parseInt(m[2], 16), parseInt(m[3], 16)] : [34, 211, 238];
}

/** The short text beside the pointer: what a click fills, or that it needs Shift. */
function fillPreviewLabel(region: FillRegion, unchanged: boolean): string {
  if (unchanged) return 'no change';
  const px = `${region.truncated ? '> ' : ''}${region.area.toLocaleString('en-US')} px`;
  return region.fraction > MAX_FILL_FRACTION ? `${px} · Shift-click` : px;
}

/** A small label at the pointer, in screen pixels whatever the zoom (the context is in image units). */
function drawPointerLabel(
  g: CanvasRenderingContext2D,
  scale: number,
  p: { x: number; y: number },
  text: string,
): void {
  g.save();
  g.translate(p.x, p.y);
  g.scale(1 / scale, 1 / scale);
  g.font = '12px system-ui, sans-serif';
  const w = g.measureText(text).width + 10;
  g.fillStyle = 'rgba(15, 17, 23, 0.8)';
  g.fillRect(14, 14, w, 18);
  g.fillStyle = '#f8fafc';
  g.textBaseline = 'middle';
  g.fillText(text, 19, 23);
  g.restore();
}

/**
 * The Fill tool's preview: while Fill is the tool, the region a click at the pointer would fill
 * is drawn translucent in the active class's colour, and its size goes to the store
 * (`fillPreview`) for the panel. Recomputed at most once per animation frame, when the pointer
 * moves to another pixel, the settings change, the labels change or image tiles arrive; the
 * tool keeps the region, so the click fills exactly what was shown.
 * A small label beside the pointer repeats the pixel count (and "Shift-click" past the limit).
 * `hover` takes the pointer's image point (null: it left); `draw` paints into the overlay layer's
 * context (image coordinates, `scale` screen pixels per image pixel); `redraw` asks that layer
 * to draw again.
 */
export function useFillPreview(
  controller: StudioController,
  session: ImageSession,
  tool: Tool,
  redraw: () => void,
): {
  hover: (p: { x: number; y: number } | null) => void;
  draw: (g: CanvasRenderingContext2D, scale: number) => void;
} {
  const { store } = controller;
  const pointer = useRef<{ x: number; y: number } | null>(null);
  const shown = useRef<Shown | null>(null);
  const frame = useRef(0);
  const redrawRef = useRef(redraw);
  redrawRef.current = redraw;

  const api = useMemo(() => {
    const fill = tool instanceof FillTool ? tool : null;
    const update = () => {
      frame.current = 0;
      const p = pointer.current;
      let region: FillRegion | null = null;
      if (fill && p && session.labelsReady) {
        controller.syncToolContext(session.ctx);
        region = fill.regionAt(Math.floor(p.x), Math.floor(p.y), { preview: true });
      }
      if (region !== shown.current?.region) {
        const s = store.get();
        const colour = s.project?.classes.find((c) => c.id === s.classId)?.color;
        // A click that would change nothing (a background filled twice) shows no overlay.
        const unchanged = region !== null && fill !== null && !fill.wouldChange(region);
        const overlay = region && !unchanged ? regionOverlay(region, hexRgb(colour)) : null;
        shown.current = region ? { region, overlay, unchanged } : null;
        store.set({
          fillPreview: region
            ? fillPreviewInfo(region, session.raw.width, session.raw.height, unchanged)
            : null,
        });
      }
      // The label beside the pointer follows it even within one region.
      redrawRef.current();
    };
    const schedule = () => {
      if (!frame.current) frame.current = requestAnimationFrame(update);
    };
    const invalidate = () => {
      fill?.invalidate();
      shown.current = null;
      schedule();
    };
    return { active: fill !== null, schedule, invalidate, update };
  }, [controller, session, tool, store]);

  useEffect(() => {
    if (!api.active) return;
    api.invalidate();
    const offDoc = session.doc.onChange(api.invalidate);
    // Arriving pixels can extend an intensity region (missing ones stop it).
    const offTiles = session.tiles.onLoaded(() => {
      if (store.get().fillMode === 'intensity') api.invalidate();
    });
    // Tolerance, fill mode, class or instance mode changed in the panel: the same pointer shows
    // a new region, or one a click now changes.
    let last = store.get();
    const offStore = store.subscribe(() => {
      const s = store.get();
      if (
        s.fillTolerance !== last.fillTolerance ||
        s.fillMode !== last.fillMode ||
        s.classId !== last.classId ||
        s.instanceMode !== last.instanceMode
      )
        api.invalidate();
      last = s;
    });
    return () => {
      offDoc();
      offTiles();
      offStore();
      if (frame.current) cancelAnimationFrame(frame.current);
      frame.current = 0;
      shown.current = null;
      store.set({ fillPreview: null });
    };
  }, [api, session, store]);

  const hover = (p: { x: number; y: number } | null) => {
    if (!api.active) return;
    const old = pointer.current;
    pointer.current = p;
    const samePixel =
      old && p && Math.floor(old.x) === Math.floor(p.x) && Math.floor(old.y) === Math.floor(p.y);
    if (!samePixel) api.schedule();
  };

  const draw = (g: CanvasRenderingContext2D, scale: number) => {
    const s = shown.current;
    const p = pointer.current;
    if (!s || !p) return;
    if (s.overlay) {
      const { bounds } = s.region;
      const { canvas, step } = s.overlay;
      g.imageSmoothingEnabled = false;
      g.drawImage(canvas, bounds.x, bounds.y, canvas.width * step, canvas.height * step);
    }
    drawPointerLabel(g, scale, p, fillPreviewLabel(s.region, s.unchanged));
  };

  return { hover, draw };
}
