import { LARGE_IMAGE_PIXELS } from '../../../shared/imageData';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { CompareViewer } from './CompareViewer';
import { MetricsTable } from './MetricsTable';

/**
 * The compare screen: choose one or two models, the metrics table (sortable, worst first), and
 * the selected image with prediction / ground truth / difference views.
 */
export function ComparePanel({ lab }: { lab: LabController }) {
  const { store } = lab;
  const models = useStore(store, (s) => s.models);
  const chosen = useStore(store, (s) => s.compareModels);
  const result = useStore(store, (s) => s.compare);
  const imageId = useStore(store, (s) => s.compareImageId);
  const data = useStore(store, (s) => s.compareData);
  const job = useStore(store, (s) => s.job);
  const runs = useStore(store, (s) => s.runs);
  // Model ids are `<runId>.best|last`: the run says which images it trained on and held out.
  const runA = runs.find((r) => chosen[0]?.startsWith(`${r.runId}.`));
  const roleOf = (name: string) =>
    runA?.heldOutNames.includes(name) ? 'held out' : runA?.imageNames.includes(name) ? 'trained' : null;
  const label = (id: string) => models.find((m) => m.modelId === id)?.label ?? id;
  const missingFor = (id: string) =>
    result?.missing.filter((m) => m.modelId === id).map((m) => m.imageId) ?? [];
  const busy = job?.status === 'running';
  const images = useStore(store, (s) => s.images);
  const large = images.find((i) => i.imageId === imageId && i.width * i.height > LARGE_IMAGE_PIXELS);

  if (models.length === 0) {
    return <div className="lab-empty muted">No trained model yet: train one first (Train tab).</div>;
  }
  return (
    <div className="lab compare-panel" data-testid="compare-panel">
      <div className="lab-left">
        <div className="panel">
          <h3>Models</h3>
          <label className="field">
            <span>Model A</span>
            <select
              data-testid="compare-model-a"
              value={chosen[0] ?? ''}
              onChange={(e) => lab.setCompareModels([e.target.value, ...chosen.slice(1)])}
            >
              {models.map((m) => (
                <option key={m.modelId} value={m.modelId}>
                  {m.label}
                </option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Model B (optional)</span>
            <select
              data-testid="compare-model-b"
              value={chosen[1] ?? ''}
              onChange={(e) =>
                lab.setCompareModels(e.target.value === '' ? [chosen[0]] : [chosen[0], e.target.value])
              }
            >
              <option value="">none</option>
              {models
                .filter((m) => m.modelId !== chosen[0])
                .map((m) => (
                  <option key={m.modelId} value={m.modelId}>
                    {m.label}
                  </option>
                ))}
            </select>
          </label>
          {chosen.map((id) =>
            missingFor(id).length > 0 ? (
              <div key={id} className="row">
                <span className="muted small">
                  {missingFor(id).length} annotated image(s) not predicted by {label(id)}
                </span>
                <button
                  type="button"
                  disabled={busy}
                  data-testid="compare-predict-missing"
                  onClick={() => void lab.predict(id, { imageIds: missingFor(id) })}
                >
                  Predict
                </button>
              </div>
            ) : null,
          )}
          {busy && job && (
            <div className="small muted" data-testid="compare-job">
              Predicting… {Math.round(job.fraction * 100)}% {job.message}
            </div>
          )}
          <button type="button" data-testid="compare-refresh" onClick={() => void lab.runCompare()}>
            Recompute metrics
          </button>
        </div>
        <div className="panel metrics-panel">
          <h3>Metrics (labelled pixels; click a header to sort, worst first)</h3>
          {result ? (
            result.rows.length > 0 ? (
              <MetricsTable
                result={result}
                labels={result.modelIds.map(label)}
                selected={imageId}
                onSelect={(id) => lab.selectCompareImage(id)}
                roleOf={roleOf}
              />
            ) : (
              <p className="muted">No annotated image to score yet.</p>
            )
          ) : (
            <p className="muted">Computing…</p>
          )}
        </div>
      </div>
      <div className="lab-main">
        {data && chosen.length > 0 ? (
          <CompareViewer
            key={`${data.imageId}:${chosen.join(',')}`}
            lab={lab}
            data={data}
            modelIds={chosen}
            labels={chosen.map(label)}
          />
        ) : large && imageId !== null ? (
          <div className="lab-empty muted" data-testid="compare-large">
            {large.name} ({large.width}×{large.height}) is scored over its annotated tiles; the side-by-side
            view is drawn for images up to 4096×4096. Its predicted mask is predictions/&lt;model&gt;/
            {imageId}.mask.tif in the project (export it from Predict &amp; export).
          </div>
        ) : (
          <div className="lab-empty muted">Choose an image in the metrics table.</div>
        )}
      </div>
    </div>
  );
}
