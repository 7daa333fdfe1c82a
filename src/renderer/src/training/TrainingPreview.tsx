import { useMemo } from 'react';
import { classPalette } from '../canvas/labelOverlay';
import { predictionOverlay } from '../compare/overlays';
import { PixelView } from '../compare/PixelView';
import { imageCanvas, rgbaCanvas } from '../compare/pixelCanvas';
import { useSharedViewport } from '../compare/useSharedViewport';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';

/** The watched run's latest checkpoint on a chosen image, refreshed at each checkpoint and validation. */
export function TrainingPreview({ lab }: { lab: LabController }) {
  const images = useStore(lab.store, (s) => s.images);
  const imageId = useStore(lab.store, (s) => s.previewImageId);
  const pixels = useStore(lab.store, (s) => s.previewPixels);
  const preview = useStore(lab.store, (s) => s.preview);
  const classes = useStore(lab.studio.store, (s) => s.project?.classes);
  const palette = useMemo(() => classPalette(classes ?? []), [classes]);
  const base = useMemo(() => (pixels ? imageCanvas(pixels) : null), [pixels]);
  const overlay = useMemo(
    () =>
      preview && pixels && preview.imageId === pixels.imageId
        ? rgbaCanvas(preview.width, preview.height, (w) =>
            predictionOverlay(preview.classes, preview.instances, palette, new Set(), w),
          )
        : null,
    [preview, pixels, palette],
  );
  const { vp, fitTo, bind, touched } = useSharedViewport(pixels?.width ?? 1, pixels?.height ?? 1);
  // biome-ignore lint/correctness/useExhaustiveDependencies: fit once per image
  const view = useMemo(() => ({ fitted: false }), [pixels]);

  return (
    <div className="panel preview-panel">
      <div className="panel-head">
        <h3>Preview</h3>
        <select
          data-testid="preview-image"
          value={imageId ?? ''}
          onChange={(e) => lab.setPreviewImage(e.target.value || null)}
        >
          <option value="">choose an image…</option>
          {images.map((im) => (
            <option key={im.imageId} value={im.imageId}>
              {im.name}
            </option>
          ))}
        </select>
      </div>
      {pixels ? (
        <div className="preview-view" data-testid="preview" data-has-prediction={overlay ? 'yes' : 'no'}>
          <PixelView
            left={{ base, overlay, opacity: 0.5 }}
            vp={vp}
            bind={bind}
            onSize={(w, h) => {
              if (w === 0 || (view.fitted && touched.current)) return;
              view.fitted = true;
              fitTo(w, h);
            }}
            testId="preview-view"
            caption={
              overlay
                ? `prediction of ${preview?.modelId}`
                : 'no model saved yet (after the first validation)'
            }
          />
        </div>
      ) : (
        <p className="muted small">Choose a (validation) image to watch the model learn.</p>
      )}
    </div>
  );
}
