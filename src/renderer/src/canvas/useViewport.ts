import { useCallback, useEffect, useRef, useState } from 'react';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { timed } from './perfProbe';
import { centred, fitView, toImage, type Viewport, wheelFactor, zoomAt } from './viewport';

interface PanHandlers {
  active: boolean;
  /** Starts a pan on middle button or space + left button; true when the event was taken. */
  begin(e: React.PointerEvent<HTMLElement>): boolean;
  move(e: React.PointerEvent<HTMLElement>): boolean;
  end(e: React.PointerEvent<HTMLElement>): boolean;
}

/**
 * Zoom and pan of the canvas host: its size (ResizeObserver), the viewport (fit on first
 * layout), wheel zoom to the cursor, pan with space-drag or the middle button, Fit / 100%
 * requests from the store, and the screen -> image mapping.
 */
export function useViewport(controller: StudioController, imageW: number, imageH: number) {
  const containerRef = useRef<HTMLDivElement>(null);
  const [size, setSize] = useState({ w: 0, h: 0 });
  const [vp, setVp] = useState<Viewport>({ scale: 1, x: 0, y: 0 });
  const fitted = useRef(false);
  const space = useRef(false);
  const panFrom = useRef<{ x: number; y: number; vx: number; vy: number } | null>(null);
  const [panning, setPanning] = useState(false);
  const viewRequest = useStore(controller.store, (s) => s.viewRequest);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setSize({ w: el.clientWidth, h: el.clientHeight }));
    ro.observe(el);
    setSize({ w: el.clientWidth, h: el.clientHeight });
    return () => ro.disconnect();
  }, []);

  useEffect(() => {
    if (fitted.current || size.w === 0) return;
    fitted.current = true;
    setVp(fitView(imageW, imageH, size.w, size.h));
  }, [size, imageW, imageH]);

  useEffect(() => {
    if (!viewRequest || size.w === 0) return;
    setVp(
      viewRequest.kind === 'fit'
        ? fitView(imageW, imageH, size.w, size.h)
        : centred(imageW, imageH, size.w, size.h, 1),
    );
  }, [viewRequest, size, imageW, imageH]);

  useEffect(() => {
    const el = containerRef.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) =>
      timed('wheel', () => {
        e.preventDefault();
        const r = el.getBoundingClientRect();
        setVp((v) => zoomAt(v, wheelFactor(e.deltaY), e.clientX - r.left, e.clientY - r.top));
      });
    el.addEventListener('wheel', onWheel, { passive: false });
    const key = (down: boolean) => (e: KeyboardEvent) => {
      if (e.code === 'Space' && !(e.target instanceof HTMLInputElement)) {
        space.current = down;
        if (down) e.preventDefault();
      }
    };
    const onDown = key(true);
    const onUp = key(false);
    window.addEventListener('keydown', onDown);
    window.addEventListener('keyup', onUp);
    return () => {
      el.removeEventListener('wheel', onWheel);
      window.removeEventListener('keydown', onDown);
      window.removeEventListener('keyup', onUp);
    };
  }, []);

  const vpRef = useRef(vp);
  vpRef.current = vp;

  const toImagePoint = useCallback((e: { clientX: number; clientY: number }) => {
    const r = containerRef.current!.getBoundingClientRect();
    return toImage(vpRef.current, e.clientX - r.left, e.clientY - r.top);
  }, []);

  const pan: PanHandlers = {
    active: panning,
    begin(e) {
      if (!(e.button === 1 || (e.button === 0 && space.current))) return false;
      e.currentTarget.setPointerCapture(e.pointerId);
      panFrom.current = { x: e.clientX, y: e.clientY, vx: vpRef.current.x, vy: vpRef.current.y };
      setPanning(true);
      return true;
    },
    move(e) {
      const from = panFrom.current;
      if (!from) return false;
      setVp((v) => ({ ...v, x: from.vx + e.clientX - from.x, y: from.vy + e.clientY - from.y }));
      return true;
    },
    end() {
      if (!panFrom.current) return false;
      panFrom.current = null;
      setPanning(false);
      return true;
    },
  };

  return { containerRef, size, vp, toImagePoint, pan };
}
