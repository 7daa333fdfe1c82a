import { useEffect, useState } from 'react';
import type { FolderListing } from '../../../shared/api';
import type { StudioController } from '../store/StudioController';
import './dialogs.css';

/**
 * The browser shell's folder picker (Electron has native dialogs): the sub-folders of a folder
 * within the server's allowed folder, from the server. Click a folder to open it, ".." to go
 * up; "Choose this folder" picks the one shown, or a new folder named below inside it.
 */
export function FolderPicker({
  controller,
  start,
  onChoose,
  onCancel,
}: {
  controller: StudioController;
  start: string | null;
  onChoose: (dir: string) => void;
  onCancel: () => void;
}) {
  const [listing, setListing] = useState<FolderListing | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const open = async (dir: string | null) => {
    const r = await controller.api.browseFolders(dir);
    if (r.ok) {
      setListing(r.value);
      setError(null);
    } else if (dir !== null) {
      // A typed start folder that does not exist (yet): show the top instead.
      const top = await controller.api.browseFolders(null);
      if (top.ok) setListing(top.value);
      else setError(top.error.message);
    } else setError(r.error.message);
  };
  // biome-ignore lint/correctness/useExhaustiveDependencies: list the start folder once, on opening
  useEffect(() => {
    void open(start);
  }, []);
  const join = (dir: string, name: string) => `${dir.replace(/\/+$/, '')}/${name}`;
  const chosen = listing && (newName.trim() ? join(listing.dir, newName.trim()) : listing.dir);
  return (
    <div className="modal-backdrop">
      <div
        className="modal folder-picker"
        role="dialog"
        aria-label="Choose a folder"
        data-testid="folder-picker"
      >
        <h3>Choose a folder</h3>
        {error && <p className="warn">{error}</p>}
        {listing && (
          <>
            <code className="small" data-testid="folder-path">
              {listing.dir}
              {listing.isProject ? ' (a project)' : ''}
            </code>
            <ul className="folder-list">
              {listing.parent !== null && (
                <li>
                  <button type="button" className="link" onClick={() => void open(listing.parent)}>
                    ↑ ..
                  </button>
                </li>
              )}
              {listing.folders.map((f) => (
                <li key={f.name}>
                  <button
                    type="button"
                    className="link"
                    data-testid="folder-entry"
                    onClick={() => void open(join(listing.dir, f.name))}
                  >
                    ▸ {f.name}
                    {f.isProject && <span className="muted small"> · project</span>}
                  </button>
                </li>
              ))}
              {listing.folders.length === 0 && <li className="muted small">No sub-folders.</li>}
              {listing.truncated && <li className="muted small">More folders not shown.</li>}
            </ul>
            <label className="field">
              <span>New folder inside (optional, for a new project)</span>
              <input
                value={newName}
                data-testid="folder-new-name"
                onChange={(e) => setNewName(e.target.value)}
              />
            </label>
          </>
        )}
        <div className="row modal-buttons">
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="button"
            className="primary"
            data-testid="folder-choose"
            disabled={!chosen}
            onClick={() => chosen && onChoose(chosen)}
          >
            Choose {newName.trim() ? 'new folder' : 'this folder'}
          </button>
        </div>
      </div>
    </div>
  );
}
