import { useEffect, useMemo, useState } from 'react';
import { classPalette } from '../canvas/labelOverlay';
import type { LabController } from '../lab/LabController';
import type { CompareViewSettings, LabState } from '../lab/labState';
import {
  DIFF_COLORS,
  type DiffCounts,
  differenceOverlay,
  predictionOverlay,
  probabilityOverlay,
  truthOverlay,
} from './overlays';
import { type Layer, PixelView } from './PixelView';
import { imageCanvas, rgbaCanvas } from './pixelCanvas';
import { useSharedViewport } from './useSharedViewport';

type LayerKind = CompareViewSettings['leftKind'];
type Data = NonNullable<LabState['compareData']>;

/**
 * One image of the compare view: two synced views side by side (zoom or pan one, the other
 * follows) or one view with a swipe line. Each side shows a layer: prediction, difference to the
 * annotation (TP / FP / FN), probability, ground truth, for model A or B. Clicking an object of
 * the left prediction selects it for "Accept selected objects".
 */
export function CompareViewer({
  lab,
  data,
  modelIds,
  labels,
}: {
  lab: LabController;
  data: Data;
  modelIds: string[];
  labels: string[];
}) {
  const classes = lab.studio.store.get().project?.classes ?? [];
  const palette = useMemo(() => classPalette(classes), [classes]);
  const { width, height } = data.pixels;
  // The view as it was for the previous image of these models (switching images keeps it).
  const models = modelIds.join(',');
  const kept = lab.store.get().compareView;
  const saved = kept?.models === models ? kept : null;
  const [layout, setLayout] = useState<'side' | 'swipe'>(saved?.layout ?? 'side');
  const [leftKind, setLeftKind] = useState<LayerKind>(saved?.leftKind ?? 'prediction');
  // Two models: B's prediction on the right; one model: the ground truth.
  const [rightKind, setRightKind] = useState<LayerKind>(
    saved?.rightKind ?? (modelIds.length > 1 ? 'prediction' : 'truth'),
  );
  const [rightModel, setRightModel] = useState(saved?.rightModel ?? (modelIds.length > 1 ? 1 : 0));
  const [opacity, setOpacity] = useState(saved?.opacity ?? 0.55);
  const [split, setSplit] = useState(saved?.split ?? 0.5);
  useEffect(() => {
    lab.store.set({ compareView: { models, layout, leftKind, rightKind, rightModel, opacity, split } });
  }, [lab, models, layout, leftKind, rightKind, rightModel, opacity, split]);
  const [selected, setSelected] = useState<ReadonlySet<number>>(new Set());
  const prediction = data.predictions[0];
  const { vp, fitTo, bind, touched } = useSharedViewport(width, height, (p) => {
    const x = Math.floor(p.x);
    const y = Math.floor(p.y);
    if (!prediction || x < 0 || y < 0 || x >= width || y >= height) return;
    const id = prediction.instances[y * width + x];
    if (id === 0) return;
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setSelected(next);
  });
  const base = useMemo(() => imageCanvas(data.pixels), [data.pixels]);
  const overlay = (kind: LayerKind, model: number): HTMLCanvasElement | null => {
    const p = data.predictions[model] ?? null;
    switch (kind) {
      case 'image':
        return null;
      case 'truth':
        return rgbaCanvas(width, height, (w) => truthOverlay(data.annotation.classes, palette, w));
      case 'prediction':
        return (
          p &&
          rgbaCanvas(width, height, (w) =>
            predictionOverlay(p.classes, p.instances, palette, model === 0 ? selected : new Set(), w),
          )
        );
      case 'probability':
        return p && rgbaCanvas(width, height, (w) => probabilityOverlay(p.foreground, w));
      case 'difference':
        return (
          p && rgbaCanvas(width, height, (w) => differenceOverlay(data.annotation.classes, p.classes, w))
        );
    }
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: overlay reads exactly these inputs
  const leftOverlay = useMemo(() => overlay(leftKind, 0), [leftKind, data, palette, selected]);
  // biome-ignore lint/correctness/useExhaustiveDependencies: overlay reads exactly these inputs
  const rightOverlay = useMemo(
    () => overlay(rightKind, rightModel),
    [rightKind, rightModel, data, palette, selected],
  );
  const left: Layer = { base, overlay: leftOverlay, opacity };
  const right: Layer = { base, overlay: rightOverlay, opacity };
  const name = (kind: LayerKind, model: number) =>
    kind === 'truth' || kind === 'image'
      ? kind === 'truth'
        ? 'ground truth'
        : 'image'
      : `${kind} · ${labels[model]}`;
  // biome-ignore lint/correctness/useExhaustiveDependencies: fitted once per image and layout
  const view = useMemo(() => ({ fitted: false, w: 0, h: 0 }), [data.imageId, layout]);
  const onSize = (w: number, h: number) => {
    view.w = w;
    view.h = h;
    // Fit on first layout and on resizes until the user zooms or pans.
    if (w === 0 || (view.fitted && touched.current)) return;
    view.fitted = true;
    fitTo(w, h);
  };
  const diff: DiffCounts | null = useMemo(
    () =>
      prediction
        ? differenceOverlay(data.annotation.classes, prediction.classes, new Uint32Array(width * height))
        : null,
    [data, prediction, width, height],
  );
  const kinds: LayerKind[] = ['prediction', 'difference', 'probability', 'truth', 'image'];

  return (
    <div className="compare-viewer" data-testid="compare-viewer" data-image-id={data.imageId}>
      <div className="row compare-controls">
        <div className="tool-group">
          <button
            type="button"
            className={layout === 'side' ? 'active' : ''}
            data-testid="layout-side"
            onClick={() => setLayout('side')}
          >
            Side by side
          </button>
          <button
            type="button"
            className={layout === 'swipe' ? 'active' : ''}
            data-testid="layout-swipe"
            onClick={() => setLayout('swipe')}
          >
            Swipe
          </button>
        </div>
        <label className="inline">
          Left
          <select
            value={leftKind}
            data-testid="left-layer"
            onChange={(e) => setLeftKind(e.target.value as LayerKind)}
          >
            {kinds.map((k) => (
              <option key={k} value={k}>
                {name(k, 0)}
              </option>
            ))}
          </select>
        </label>
        <label className="inline">
          Right
          <select
            value={`${rightKind}:${rightModel}`}
            data-testid="right-layer"
            onChange={(e) => {
              const [k, m] = e.target.value.split(':');
              setRightKind(k as LayerKind);
              setRightModel(Number(m));
            }}
          >
            {modelIds.flatMap((_, m) =>
              kinds
                .filter((k) => m === 0 || (k !== 'truth' && k !== 'image'))
                .map((k) => (
                  <option key={`${k}:${modelIds[m]}`} value={`${k}:${m}`}>
                    {name(k, m)}
                  </option>
                )),
            )}
          </select>
        </label>
        <label className="inline">
          Opacity
          <input
            type="range"
            min={0}
            max={1}
            step={0.05}
            value={opacity}
            onChange={(e) => setOpacity(Number(e.target.value))}
          />
        </label>
        <button
          type="button"
          data-testid="compare-fit"
          onClick={() => {
            touched.current = false;
            fitTo(view.w, view.h);
          }}
        >
          Fit
        </button>
      </div>
      {layout === 'side' ? (
        <div className="compare-panes">
          <PixelView
            left={left}
            vp={vp}
            bind={bind}
            onSize={onSize}
            testId="compare-left"
            caption={name(leftKind, 0)}
          />
          <PixelView
            left={right}
            vp={vp}
            bind={bind}
            testId="compare-right"
            caption={name(rightKind, rightModel)}
          />
        </div>
      ) : (
        <div className="compare-panes">
          <PixelView
            left={left}
            right={right}
            split={split}
            vp={vp}
            bind={bind}
            onSize={onSize}
            testId="compare-swipe"
            caption={`${name(leftKind, 0)} | ${name(rightKind, rightModel)}`}
          />
        </div>
      )}
      {layout === 'swipe' && (
        <input
          className="swipe"
          type="range"
          min={0}
          max={1}
          step={0.01}
          value={split}
          data-testid="swipe"
          onChange={(e) => setSplit(Number(e.target.value))}
        />
      )}
      <div className="row legend" data-testid="diff-legend">
        <span>
          <i style={{ background: DIFF_COLORS.truePositive }} /> true positive
          {diff ? ` ${diff.truePositive} px` : ''}
        </span>
        <span>
          <i style={{ background: DIFF_COLORS.falsePositive }} /> false positive
          {diff ? ` ${diff.falsePositive} px` : ''}
        </span>
        <span>
          <i style={{ background: DIFF_COLORS.falseNegative }} /> false negative
          {diff ? ` ${diff.falseNegative} px` : ''}
        </span>
        <span className="muted">Wheel: zoom · drag: pan · click an object on the left: select it</span>
      </div>
      <div className="row">
        <button
          type="button"
          className="primary"
          data-testid="accept-whole"
          disabled={!prediction}
          onClick={() => void lab.accept(data.imageId, modelIds[0])}
        >
          Accept whole prediction
        </button>
        <button
          type="button"
          data-testid="accept-objects"
          disabled={!prediction || selected.size === 0}
          onClick={() => void lab.accept(data.imageId, modelIds[0], [...selected])}
        >
          Accept {selected.size} selected object{selected.size === 1 ? '' : 's'}
        </button>
        <button type="button" data-testid="retrain" onClick={() => lab.retrainFrom(modelIds[0])}>
          Retrain from {labels[0]}
        </button>
        {!prediction && <span className="muted">This image has no prediction of {labels[0]} yet.</span>}
      </div>
    </div>
  );
}
