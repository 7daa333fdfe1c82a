import { useCallback, useRef, useState } from 'react';
import { fitView, toImage, type Viewport, wheelFactor, zoomAt } from '../canvas/viewport';

/** Pointer handlers a view binds so zoom / pan act on the shared viewport. */
export interface ViewportBinding {
  onWheel(e: React.WheelEvent<HTMLElement>): void;
  onPointerDown(e: React.PointerEvent<HTMLElement>): void;
  onPointerMove(e: React.PointerEvent<HTMLElement>): void;
  onPointerUp(e: React.PointerEvent<HTMLElement>): void;
}

/**
 * One viewport shared by several views (side by side: zoom or pan one, all follow). Wheel zooms
 * to the cursor, a drag pans; a click without movement calls `onClick` with the image point.
 * `fitTo(w, h)` fits the image into a view of that size (layout, Fit button); `touched` says
 * whether the user has zoomed or panned since (then resizes keep the view).
 */
export function useSharedViewport(
  imageW: number,
  imageH: number,
  onClick?: (p: { x: number; y: number }) => void,
) {
  const [vp, setVp] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const drag = useRef<{ x: number; y: number; vx: number; vy: number; moved: boolean } | null>(null);
  const vpRef = useRef(vp);
  vpRef.current = vp;
  /** True once the user zoomed or panned: then a resize no longer refits. */
  const touched = useRef(false);

  const fitTo = useCallback(
    (w: number, h: number) => setVp(fitView(imageW, imageH, w, h, 8)),
    [imageW, imageH],
  );

  const bind: ViewportBinding = {
    onWheel(e) {
      touched.current = true;
      const r = e.currentTarget.getBoundingClientRect();
      setVp((v) => zoomAt(v, wheelFactor(e.deltaY), e.clientX - r.left, e.clientY - r.top));
    },
    onPointerDown(e) {
      e.currentTarget.setPointerCapture(e.pointerId);
      drag.current = { x: e.clientX, y: e.clientY, vx: vpRef.current.x, vy: vpRef.current.y, moved: false };
    },
    onPointerMove(e) {
      const d = drag.current;
      if (!d) return;
      if (Math.abs(e.clientX - d.x) + Math.abs(e.clientY - d.y) > 3) d.moved = true;
      if (d.moved) touched.current = true;
      if (d.moved) setVp((v) => ({ ...v, x: d.vx + e.clientX - d.x, y: d.vy + e.clientY - d.y }));
    },
    onPointerUp(e) {
      const d = drag.current;
      drag.current = null;
      if (!d || d.moved || !onClick) return;
      const r = e.currentTarget.getBoundingClientRect();
      onClick(toImage(vpRef.current, e.clientX - r.left, e.clientY - r.top));
    },
  };
  return { vp, setVp, fitTo, bind, touched };
}
