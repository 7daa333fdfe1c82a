import { type ReactNode, useState } from 'react';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { ExportMasksSection } from './ExportMasksSection';

/**
 * Predict & export: predict the project's images (or a folder of files) with a model, with a
 * progress bar and Cancel; export masks (PNG/TIFF: class ids, 0/255 or instance ids) with
 * the images' base names plus objects.csv into a folder (native dialog in Electron, a typed path
 * in the browser).
 */
export function ExportPanel({ lab, children }: { lab: LabController; children?: ReactNode }) {
  const { store } = lab;
  const models = useStore(store, (s) => s.models);
  const images = useStore(store, (s) => s.images);
  const job = useStore(store, (s) => s.job);
  const nativeDialogs = useStore(lab.studio.store, (s) => s.appInfo?.nativeDialogs ?? false);
  const [modelId, setModelId] = useState('');
  const [folder, setFolder] = useState('');
  const [outDir, setOutDir] = useState('');
  const [tta, setTta] = useState(false);
  const model = modelId || models[0]?.modelId || '';
  const running = job?.status === 'running';
  const allImages = images.map((i) => i.imageId);

  const pick = async (purpose: 'open' | 'create', set: (path: string) => void) => {
    const r = await lab.studio.api.pickFolder(purpose);
    if (r.ok && !r.value.cancelled && r.value.paths[0]) set(r.value.paths[0]);
  };

  if (models.length === 0)
    return (
      <div className="lab export-panel" data-testid="export-panel">
        <div className="lab-main narrow">
          <p className="muted">
            No trained model yet: train one (Train tab) to predict. Your annotations can be exported now.
          </p>
          <ExportMasksSection lab={lab} modelId="" />
          {children}
        </div>
      </div>
    );
  return (
    <div className="lab export-panel" data-testid="export-panel">
      <div className="lab-main narrow">
        <div className="panel">
          <h3>Model</h3>
          <select data-testid="export-model" value={model} onChange={(e) => setModelId(e.target.value)}>
            {models.map((m) => (
              <option key={m.modelId} value={m.modelId}>
                {m.label}
              </option>
            ))}
          </select>
        </div>
        <div className="panel">
          <h3>Predict</h3>
          <div className="row">
            <label
              className="check"
              title="Averages the predictions of the 8 flips and 90-degree rotations of each image"
            >
              <input
                type="checkbox"
                checked={tta}
                data-testid="predict-tta"
                onChange={(e) => setTta(e.target.checked)}
              />
              Test-time augmentation (8 flips and rotations: smoother masks, 8x the time)
            </label>
          </div>
          <div className="row">
            <button
              type="button"
              className="primary"
              data-testid="predict-project"
              disabled={running || allImages.length === 0}
              onClick={() => void lab.predict(model, { imageIds: allImages, tta })}
            >
              Predict the project's {allImages.length} image(s)
            </button>
          </div>
          <div className="row">
            <label className="field grow">
              <span>…or a folder of images</span>
              <input
                type="text"
                placeholder="/path/to/images"
                value={folder}
                data-testid="predict-folder"
                onChange={(e) => setFolder(e.target.value)}
              />
            </label>
            {nativeDialogs && (
              <button type="button" onClick={() => void pick('open', setFolder)}>
                Choose…
              </button>
            )}
            <label className="field grow">
              <span>Masks to (default: the project's predictions folder)</span>
              <input type="text" value={outDir} onChange={(e) => setOutDir(e.target.value)} />
            </label>
            <button
              type="button"
              disabled={running || folder.trim() === ''}
              data-testid="predict-folder-run"
              onClick={() =>
                void lab.predict(
                  model,
                  outDir.trim()
                    ? { folder: folder.trim(), outDir: outDir.trim(), tta }
                    : { folder: folder.trim(), tta },
                )
              }
            >
              Predict folder
            </button>
          </div>
          {job && (
            <div
              className="row job"
              data-testid="predict-job"
              data-job-id={job.jobId}
              data-status={job.status}
              data-fraction={job.fraction}
            >
              {/* A finished job says so in words: a full bar from an earlier job reads as work in progress. */}
              {running && <progress max={1} value={job.fraction} />}
              {running && <span className="num">{Math.round(job.fraction * 100)}%</span>}
              <span className="muted small">
                {job.status === 'running' || job.status === 'done' ? job.message : job.status}
                {job.backend ? ` · ${job.backend}` : ''}
              </span>
              {running && (
                <button
                  type="button"
                  data-testid="predict-cancel"
                  onClick={() => void lab.cancelJob(job.jobId)}
                >
                  Cancel
                </button>
              )}
            </div>
          )}
          {/* Said while it runs and kept after: a channel conversion must not pass unseen. */}
          {job?.notes.map((note) => (
            <p key={note} className="backend-warning small" data-testid="predict-note">
              {note}
            </p>
          ))}
        </div>
        <ExportMasksSection lab={lab} modelId={model} />
        {children}
      </div>
    </div>
  );
}
