import { useState } from 'react';
import type { ExportRequest } from '../../../shared/apiModels';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { ImageChoice } from './ImageChoice';

/** Default minimum object size (px): drops the 1-3 px specks a prediction leaves in noise. */
export const DEFAULT_MIN_OBJECT_AREA = 10;

/**
 * Export masks: predictions of a model or the hand annotations, for the images chosen, as
 * PNG/TIFF (0/255, class values or object ids) plus objects.csv. Images that cannot be written
 * are listed with the reason; the others are written.
 */
export function ExportMasksSection({ lab, modelId }: { lab: LabController; modelId: string }) {
  const { store } = lab;
  const images = useStore(store, (s) => s.images);
  const exported = useStore(store, (s) => s.exported);
  const nativeDialogs = useStore(lab.studio.store, (s) => s.appInfo?.nativeDialogs ?? false);
  const projectDir = useStore(lab.studio.store, (s) => s.project?.dir ?? '');
  const [folder, setFolder] = useState(() => (projectDir ? `${projectDir}/exports/masks` : ''));
  const [format, setFormat] = useState<ExportRequest['format']>('png');
  const [kind, setKind] = useState<ExportRequest['kind']>('binary');
  const [source, setSource] = useState<'prediction' | 'annotation'>(modelId ? 'prediction' : 'annotation');
  const [naming, setNaming] = useState<'name' | 'id'>('name');
  const [minArea, setMinArea] = useState(DEFAULT_MIN_OBJECT_AREA);
  const [chosen, setChosen] = useState<string[] | null>(null);
  const imageIds = chosen ?? images.map((i) => i.imageId);
  const fromPrediction = source === 'prediction' && modelId !== '';

  const pick = async () => {
    const r = await lab.studio.api.pickFolder('create');
    if (r.ok && !r.value.cancelled && r.value.paths[0]) setFolder(r.value.paths[0]);
  };
  const run = () =>
    void lab.exportMasks({
      ...(fromPrediction
        ? { source: 'prediction', modelId, minObjectArea: minArea }
        : { source: 'annotation' }),
      imageIds,
      folder: folder.trim(),
      format,
      kind,
      naming,
    });

  return (
    <div className="panel" data-testid="export-section">
      <h3>Export masks</h3>
      <div className="row">
        <label className="field">
          <span>From</span>
          <select
            value={fromPrediction ? 'prediction' : 'annotation'}
            data-testid="export-source"
            onChange={(e) => setSource(e.target.value as 'prediction' | 'annotation')}
          >
            {modelId && <option value="prediction">the model's predictions</option>}
            <option value="annotation">my annotations (label images)</option>
          </select>
        </label>
        <label className="field">
          <span>Format</span>
          <select
            value={format}
            data-testid="export-format"
            onChange={(e) => setFormat(e.target.value as ExportRequest['format'])}
          >
            <option value="png">PNG</option>
            <option value="tif">TIFF</option>
          </select>
        </label>
        <label className="field">
          <span>Values</span>
          <select
            value={kind}
            data-testid="export-kind"
            onChange={(e) => setKind(e.target.value as ExportRequest['kind'])}
          >
            <option value="binary">binary 0/255</option>
            <option value="classes">
              {fromPrediction
                ? 'class ids (1 = background, as in the class list)'
                : 'class ids (as in the class list; 0 = unlabelled)'}
            </option>
            <option value="instances">object ids (16-bit; TIFF: 32-bit past 65,535)</option>
          </select>
        </label>
        {fromPrediction && (
          <label
            className="field"
            title="Predicted objects smaller than this are dropped from the masks and from objects.csv: noise specks are not counted as cells."
          >
            <span>Min. object size (px)</span>
            <input
              type="number"
              min={0}
              value={minArea}
              data-testid="export-min-size"
              onChange={(e) => setMinArea(Math.max(0, Math.round(Number(e.target.value) || 0)))}
            />
          </label>
        )}
        <label className="field" title="Two images with one name would overwrite each other's mask.">
          <span>File names</span>
          <select
            value={naming}
            data-testid="export-naming"
            onChange={(e) => setNaming(e.target.value as 'name' | 'id')}
          >
            <option value="name">the image's name</option>
            <option value="id">prefix the image id (never clash)</option>
          </select>
        </label>
      </div>
      <ImageChoice images={images} chosen={imageIds} onChange={setChosen} />
      <div className="row">
        <label className="field grow">
          <span>Folder</span>
          <input
            type="text"
            value={folder}
            data-testid="export-folder"
            onChange={(e) => setFolder(e.target.value)}
          />
        </label>
        {nativeDialogs && (
          <button type="button" onClick={() => void pick()}>
            Choose…
          </button>
        )}
        <button
          type="button"
          className="primary"
          data-testid="export-run"
          disabled={folder.trim() === '' || imageIds.length === 0}
          onClick={run}
        >
          Export {imageIds.length} image(s)
        </button>
      </div>
      {exported && (
        <div
          className="export-result"
          data-testid="export-result"
          data-files={exported.files.length}
          data-skipped={exported.skipped.length}
        >
          <p>
            Wrote {exported.files.length} mask(s)
            {exported.csv && (
              <>
                {' '}
                and <code>{exported.csv}</code>
              </>
            )}
          </p>
          {exported.skipped.length > 0 && (
            <div className="export-skipped" data-testid="export-skipped">
              <p className="warn">Not written ({exported.skipped.length}):</p>
              <ul className="small">
                {exported.skipped.map((s) => (
                  <li key={s.imageId}>
                    <strong>{s.name}</strong>: {s.reason}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <ul className="small">
            {exported.files.map((f) => (
              <li key={f}>
                <code>{f}</code>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
