import { useRef, useState } from 'react';
import { type ModelPackageRequest, parseAuthors } from '../../../shared/dataImport';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';

/** Hands bytes to the browser as a download (Electron shows its save dialog). */
function download(fileName: string, bytes: Uint8Array): void {
  const url = URL.createObjectURL(new Blob([bytes.slice().buffer], { type: 'application/zip' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const LICENSES = ['CC-BY-4.0', 'MIT', 'BSD-3-Clause', 'Apache-2.0', 'CC0-1.0', 'GPL-3.0-only'];

/**
 * Model packages: export a trained model as a bioimage.io package (.zip with rdf.yaml, ONNX
 * weights, test tensors, cover, README) that deepImageJ, ilastik and others run, with the
 * name, authors and licence the user gives; and open a package (ours or another tool's) as a
 * model of the project, to predict, compare and export with.
 */
export function ModelPackagePanel({ lab }: { lab: LabController }) {
  const models = useStore(lab.store, (s) => s.models);
  const [modelId, setModelId] = useState('');
  const [name, setName] = useState('U-Net cell segmentation');
  const [authors, setAuthors] = useState('');
  const [license, setLicense] = useState('CC-BY-4.0');
  const [description, setDescription] = useState('');
  const [status, setStatus] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  const model = modelId || models[0]?.modelId || '';
  const api = lab.studio.api;

  const exportPackage = async () => {
    setBusy(true);
    setStatus('Writing the package (ONNX weights and test tensors)…');
    const request: ModelPackageRequest = {
      name,
      authors: parseAuthors(authors),
      license,
      ...(description.trim() ? { description: description.trim() } : {}),
    };
    const r = await api.exportModelPackage(model, request);
    setBusy(false);
    if (!r.ok) {
      setStatus(null);
      lab.studio.reportError('Export model package', r.error);
      return;
    }
    setStatus(`Saved ${r.value.path} (${Math.max(1, Math.round(r.value.bytes.length / 1024))} KB)`);
    download(r.value.fileName, r.value.bytes);
  };

  const openPackage = async (file: File) => {
    setBusy(true);
    const r = await api.importModelPackage(file.name, new Uint8Array(await file.arrayBuffer()));
    setBusy(false);
    if (!r.ok) {
      lab.studio.reportError(`Open model package ${file.name}`, r.error);
      return;
    }
    setStatus(`Added ${r.value.label}: choose it to predict, compare or export.`);
    await lab.refresh();
  };

  const ready = model !== '' && parseAuthors(authors).length > 0 && name.trim().length >= 5 && !busy;
  return (
    <div className="panel model-package" data-testid="model-package">
      <h3>Model package (bioimage.io)</h3>
      {models.length > 0 && (
        <>
          <select data-testid="package-model" value={model} onChange={(e) => setModelId(e.target.value)}>
            {models.map((m) => (
              <option key={m.modelId} value={m.modelId}>
                {m.label}
              </option>
            ))}
          </select>
          <label className="field">
            <span>Name</span>
            <input data-testid="package-name" value={name} onChange={(e) => setName(e.target.value)} />
          </label>
          <label className="field">
            <span>Authors</span>
            <input
              data-testid="package-authors"
              placeholder="Jane Doe (Institute); John Roe"
              value={authors}
              onChange={(e) => setAuthors(e.target.value)}
            />
          </label>
          <label className="field">
            <span>Licence</span>
            <select
              data-testid="package-license"
              value={license}
              onChange={(e) => setLicense(e.target.value)}
            >
              {LICENSES.map((l) => (
                <option key={l}>{l}</option>
              ))}
            </select>
          </label>
          <label className="field">
            <span>Description</span>
            <input
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              placeholder="optional"
            />
          </label>
          <button
            type="button"
            data-testid="package-export"
            disabled={!ready}
            onClick={() => void exportPackage()}
          >
            Export model package…
          </button>
        </>
      )}
      <div className="row">
        <button
          type="button"
          data-testid="package-open"
          disabled={busy}
          onClick={() => input.current?.click()}
        >
          Open model package…
        </button>
        <input
          ref={input}
          data-testid="package-open-input"
          type="file"
          accept=".zip,application/zip"
          hidden
          onChange={(e) => {
            const file = e.target.files?.[0];
            e.target.value = '';
            if (file) void openPackage(file);
          }}
        />
      </div>
      <p className="muted small">
        A package runs in deepImageJ (Fiji), ilastik and bioimage.io tools; opening one (ours or another 2D
        ONNX U-Net) adds it to the models here.
      </p>
      {status && (
        <p className="small" data-testid="package-status">
          {status}
        </p>
      )}
    </div>
  );
}
