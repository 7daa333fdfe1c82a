import { useState } from 'react';
import { SAMPLE } from '../../../shared/sample';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { FolderPicker } from './FolderPicker';

/**
 * Create or open a project: a typed path or the in-page folder picker (browser), the native
 * folder dialog (Electron), the recent list, and the sample project.
 */
export function ProjectScreen({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const recent = useStore(store, (s) => s.recent);
  const info = useStore(store, (s) => s.appInfo);
  const busy = useStore(store, (s) => s.busy);
  const [dir, setDir] = useState(info?.workspaceRoot ? `${info.workspaceRoot}/` : '');
  const [name, setName] = useState('My project');
  const native = info?.nativeDialogs === true;
  const [browsing, setBrowsing] = useState(false);

  return (
    <div className="project-screen">
      <div className="project-card">
        <h1>U-Net Studio</h1>
        <p className="muted">Annotate microscope images, train a U-Net locally, export masks.</p>
        <div className="sample-offer">
          <div className="row">
            <button
              type="button"
              className="primary"
              data-testid="try-sample"
              disabled={busy !== null}
              onClick={() => void controller.openSample()}
            >
              Try the sample
            </button>
            <span className="small">
              Five images of nuclei and a guided tour: paint, train for {SAMPLE.trainMinutes} minutes,
              compare, export. About ten minutes.
            </span>
          </div>
        </div>
        <label className="field">
          <span>Project name</span>
          <input data-testid="project-name" value={name} onChange={(e) => setName(e.target.value)} />
        </label>
        <label className="field">
          <span>Project folder</span>
          <input
            data-testid="project-dir"
            value={dir}
            placeholder="/path/to/project"
            onChange={(e) => setDir(e.target.value)}
          />
        </label>
        {!native && (
          <button
            type="button"
            className="link"
            data-testid="browse-folders"
            onClick={() => setBrowsing(true)}
          >
            Browse folders…
          </button>
        )}
        {browsing && (
          <FolderPicker
            controller={controller}
            start={dir.trim() || null}
            onCancel={() => setBrowsing(false)}
            onChoose={(chosen) => {
              setBrowsing(false);
              setDir(chosen);
            }}
          />
        )}
        <div className="row">
          <button
            type="button"
            className="primary"
            data-testid="create-project"
            disabled={!dir.trim() || busy !== null}
            onClick={() => void controller.createProject(dir.trim(), name.trim() || 'Project')}
          >
            Create project
          </button>
          <button
            type="button"
            data-testid="open-project"
            disabled={!dir.trim() || busy !== null}
            onClick={() => void controller.openProject(dir.trim())}
          >
            Open project
          </button>
          {native && (
            <>
              <button
                type="button"
                onClick={() => void controller.pickProject('create', name.trim() || 'Project')}
              >
                New in folder…
              </button>
              <button type="button" onClick={() => void controller.pickProject('open', name)}>
                Open folder…
              </button>
            </>
          )}
        </div>
        {busy && <p className="muted">{busy}…</p>}
        <h2>Recent projects</h2>
        {recent.length === 0 && <p className="muted">None yet.</p>}
        <ul className="recent" data-testid="recent-projects">
          {recent.map((r) => (
            <li key={r.dir}>
              <button type="button" className="link" onClick={() => void controller.openProject(r.dir)}>
                <strong>{r.name}</strong>
                <span className="muted">{r.dir}</span>
              </button>
            </li>
          ))}
        </ul>
      </div>
    </div>
  );
}
