import type Konva from 'konva';
import { useEffect, useMemo, useRef, useState } from 'react';
import { Circle, Layer, Line, Shape, Stage } from 'react-konva';
import { createTool } from '../annotation/tools/createTool';
import type { Rect } from '../annotation/UndoHistory';
import type { ImageSession } from '../store/ImageSession';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { LabelTileLayer } from './LabelTileLayer';
import { classPalette } from './labelOverlay';
import { timed } from './perfProbe';
import { TiledImageLayer } from './TiledImageLayer';
import { useFillPreview } from './useFillPreview';
import { useViewport } from './useViewport';

function union(a: Rect | null, b: Rect): Rect {
  if (!a) return b;
  const x = Math.min(a.x, b.x);
  const y = Math.min(a.y, b.y);
  return { x, y, w: Math.max(a.x + a.w, b.x + b.w) - x, h: Math.max(a.y + a.h, b.y + b.h) - y };
}

/**
 * The painting surface of one image. Konva only draws: the image layer (display canvas), the
 * label layer (overlay canvas repainted by dirty rect) and the tool overlay (brush cursor,
 * polygon outline). Pointer positions are mapped to image coordinates here and fed to the tool;
 * zoom (wheel, to cursor), pan (space-drag or middle button) and Fit / 100% live in useViewport.
 */
export function AnnotationCanvas({
  controller,
  session,
}: {
  controller: StudioController;
  session: ImageSession;
}) {
  const { store } = controller;
  const toolName = useStore(store, (s) => s.tool);
  const display = useStore(store, (s) => s.display);
  const opacity = useStore(store, (s) => s.opacity);
  const classes = useStore(store, (s) => s.project?.classes);
  const brushSize = useStore(store, (s) => s.brushSize);
  const labelsLoading = useStore(store, (s) => s.labelsLoading);
  const { containerRef, size, vp, toImagePoint, pan } = useViewport(
    controller,
    session.raw.width,
    session.raw.height,
  );
  const imageLayer = useRef<Konva.Layer>(null);
  const labelLayer = useRef<Konva.Layer>(null);
  const overlayLayer = useRef<Konva.Layer>(null);
  const cursorRef = useRef<Konva.Circle>(null);
  const lineRef = useRef<Konva.Line>(null);
  const [firstPaint, setFirstPaint] = useState(false);

  const imageTiles = useMemo(() => new TiledImageLayer(session.tiles), [session]);
  const labelTiles = useMemo(() => new LabelTileLayer(session.doc), [session]);
  const palette = useMemo(() => classPalette(classes ?? []), [classes]);

  // What the layers' draw functions read (Konva calls them outside React's render).
  const view = useRef({ vp, size, display });
  view.current = { vp, size, display };

  const ready = size.w > 0; // the Stage (and its layers) exist once the host has a size
  // A new window or LUT re-renders the tiles in view (the layer reads it from `view`).
  // biome-ignore lint/correctness/useExhaustiveDependencies: display is the trigger, read through the ref
  useEffect(() => {
    if (!ready) return;
    imageLayer.current?.batchDraw();
  }, [display, ready]);

  // Tiles arrive one by one: each redraws the image layer once per frame; the first frame
  // with every wanted tile in view is the first paint.
  useEffect(() => {
    if (!ready) return;
    if (!firstPaint) performance.mark('unet:image-rendered');
    return session.tiles.onLoaded(() => imageLayer.current?.batchDraw());
  }, [session, ready, firstPaint]);

  const drawImage = (context: Konva.Context) =>
    timed('image-tiles', () => {
      const { vp: v, size: s, display: d } = view.current;
      const complete = imageTiles.draw(context._context, v, s.w, s.h, d);
      // For tests and the bench: whether the last frame showed every wanted tile.
      containerRef.current?.setAttribute('data-tiles', complete ? 'complete' : 'loading');
      // Tiles left for the next frame by the render budget: draw again then.
      if (imageTiles.deferred) requestAnimationFrame(() => imageLayer.current?.batchDraw());
      if (complete && !firstPaint) {
        // Canvas 2D rasterises lazily: the frame after next starts once the drawn frame is out.
        requestAnimationFrame(() => requestAnimationFrame(() => performance.mark('unet:image-painted')));
        setFirstPaint(true);
      }
    });

  useEffect(() => {
    if (!ready) return;
    labelTiles.setStyle(palette, opacity);
    labelLayer.current?.batchDraw();
  }, [labelTiles, palette, opacity, ready]);

  const drawLabels = (context: Konva.Context) =>
    timed('label-tiles', () => {
      const { vp: v, size: s } = view.current;
      labelTiles.draw(context._context, v, s.w, s.h);
    });

  // Dirty rects from the document are merged and painted once per animation frame.
  useEffect(() => {
    let dirty: Rect | null = null;
    let frame = 0;
    const flush = () =>
      timed('label-repaint', () => {
        frame = 0;
        if (dirty) labelTiles.update(dirty);
        dirty = null;
        labelLayer.current?.batchDraw();
      });
    const off = session.doc.onChange((r) => {
      dirty = union(dirty, r);
      if (!frame) frame = requestAnimationFrame(flush);
    });
    return () => {
      off();
      if (frame) cancelAnimationFrame(frame);
    };
  }, [session, labelTiles]);

  const tool = useMemo(() => createTool(toolName, session.ctx), [toolName, session]);
  useEffect(() => {
    controller.activeTool = tool;
    return () => {
      tool.cancel();
      if (controller.activeTool === tool) controller.activeTool = null;
    };
  }, [controller, tool]);

  const fillPreview = useFillPreview(controller, session, tool, () => overlayLayer.current?.batchDraw());

  const drawOverlay = (p: { x: number; y: number } | null) => {
    const cursor = cursorRef.current;
    const line = lineRef.current;
    if (cursor) {
      const showBrush = p !== null && (toolName === 'brush' || toolName === 'eraser');
      cursor.visible(showBrush);
      if (p) cursor.position(p);
      cursor.radius(brushSize / 2);
    }
    fillPreview.hover(p);
    if (line) {
      const poly = tool.preview().polyline;
      line.visible(poly !== null);
      line.points(poly ? poly.flatMap((q) => [q.x, q.y]) : []);
    }
    overlayLayer.current?.batchDraw();
  };

  const updateCursor = (p: { x: number; y: number }) => {
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (x < 0 || y < 0 || x >= session.raw.width || y >= session.raw.height) {
      store.set({ cursor: null });
      return;
    }
    store.set({ cursor: { x, y, value: session.valueAt(x, y), label: controller.labelText(x, y) } });
  };

  const onPointerDown = (e: React.PointerEvent<HTMLDivElement>) =>
    timed('pointer-down', () => pointerDown(e));
  const pointerDown = (e: React.PointerEvent<HTMLDivElement>) => {
    if (pan.begin(e)) return;
    if (e.button !== 0 || !session.labelsReady) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    controller.syncToolContext(session.ctx);
    tool.down(toImagePoint(e), { alt: e.altKey, shift: e.shiftKey });
    if (toolName === 'fill' || toolName === 'pick') controller.gestureEnded();
    drawOverlay(toImagePoint(e));
  };

  const onPointerMove = (e: React.PointerEvent<HTMLDivElement>) =>
    timed('pointer-move', () => pointerMove(e));
  const pointerMove = (e: React.PointerEvent<HTMLDivElement>) => {
    if (pan.move(e)) return;
    const p = toImagePoint(e);
    // Coalesced events carry every sample the pointer produced since the last frame.
    const samples = e.nativeEvent.getCoalescedEvents?.() ?? [];
    if (samples.length > 1) for (const s of samples) tool.move(toImagePoint(s));
    else tool.move(p);
    updateCursor(p);
    drawOverlay(p);
  };

  const onPointerUp = (e: React.PointerEvent<HTMLDivElement>) => timed('pointer-up', () => pointerUp(e));
  const pointerUp = (e: React.PointerEvent<HTMLDivElement>) => {
    if (pan.end(e)) return;
    if (e.button !== 0) return;
    tool.up(toImagePoint(e));
    controller.gestureEnded();
    drawOverlay(toImagePoint(e));
  };

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: the painting surface; its keyboard controls are the global shortcuts
    <div
      ref={containerRef}
      className={`canvas-host ${pan.active ? 'panning' : ''}`}
      data-testid="canvas"
      data-image-id={session.imageId}
      data-scale={vp.scale}
      data-offset-x={vp.x}
      data-offset-y={vp.y}
      data-painted={firstPaint ? 'yes' : 'no'}
      data-labels={labelsLoading || !session.labelsReady ? 'loading' : 'ready'}
      onPointerDown={onPointerDown}
      onPointerMove={onPointerMove}
      onPointerUp={onPointerUp}
      onPointerLeave={() => {
        store.set({ cursor: null });
        drawOverlay(null);
      }}
      onDoubleClick={() => controller.finishGesture()}
      onContextMenu={(e) => e.preventDefault()}
    >
      {size.w > 0 && (
        <Stage
          width={size.w}
          height={size.h}
          scaleX={vp.scale}
          scaleY={vp.scale}
          x={vp.x}
          y={vp.y}
          listening={false}
        >
          <Layer ref={imageLayer} imageSmoothingEnabled={false} listening={false}>
            <Shape sceneFunc={drawImage} listening={false} />
          </Layer>
          <Layer ref={labelLayer} imageSmoothingEnabled={false} listening={false}>
            <Shape sceneFunc={drawLabels} listening={false} />
          </Layer>
          <Layer ref={overlayLayer} listening={false}>
            <Shape sceneFunc={(g) => fillPreview.draw(g._context, view.current.vp.scale)} listening={false} />
            <Circle
              ref={cursorRef}
              visible={false}
              stroke="#ffffff"
              strokeWidth={1 / vp.scale}
              listening={false}
            />
            <Line
              ref={lineRef}
              visible={false}
              stroke="#22d3ee"
              strokeWidth={1.5 / vp.scale}
              listening={false}
            />
          </Layer>
        </Stage>
      )}
    </div>
  );
}
