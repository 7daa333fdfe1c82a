import { channelName } from '../display/imageDisplay';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { formatPixelSize } from './DisplayPanel';

const SAVE_TEXT = {
  saved: 'All changes saved',
  pending: 'Unsaved changes…',
  saving: 'Saving…',
  error: 'Save failed — will retry on the next edit',
} as const;

/** Cursor position, raw pixel value, label under the cursor, zoom, and the save indicator. */
export function StatusBar({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const cursor = useStore(store, (s) => s.cursor);
  const saveState = useStore(store, (s) => s.saveState);
  const busy = useStore(store, (s) => s.busy);
  const loading = useStore(store, (s) => s.loadingImage);
  const labelsLoading = useStore(store, (s) => s.labelsLoading);
  const entry = useStore(store, (s) => s.project?.images.find((i) => i.id === s.selectedImageId));
  const size = entry?.pixelSize;
  const channels =
    entry && entry.channels > 1
      ? Array.from({ length: entry.channels }, (_, c) => channelName(entry, c)).join(', ')
      : '';
  const where =
    cursor && size ? ` (${(cursor.x * size.x).toFixed(2)}, ${(cursor.y * size.y).toFixed(2)} µm)` : '';
  const importProgress = useStore(store, (s) => s.importProgress);
  return (
    <footer className="status-bar">
      <span data-testid="status-cursor">{cursor ? `x ${cursor.x}  y ${cursor.y}${where}` : 'x –  y –'}</span>
      <span data-testid="status-value">value {cursor?.value ?? '–'}</span>
      <span data-testid="status-label">label {cursor?.label ?? '–'}</span>
      {entry && (size || channels) && (
        <span className="muted" data-testid="status-image">
          {[formatPixelSize(size), channels].filter((t) => t).join(' · ')}
        </span>
      )}
      <span className="spacer" />
      {(busy || loading || labelsLoading) && (
        <span className="muted" data-testid="status-busy">
          {busy ?? (loading ? 'Loading image…' : 'Loading labels…')}
        </span>
      )}
      {importProgress && (
        <span className="import-progress" data-testid="import-progress">
          Building the multiscale view of {importProgress.name}
          <progress max={1} value={importProgress.fraction} />
          {Math.round(importProgress.fraction * 100)} %
          <button type="button" data-testid="cancel-import" onClick={() => void controller.cancelImport()}>
            Cancel
          </button>
        </span>
      )}
      <span className={`save save-${saveState}`} data-testid="save-state" data-state={saveState}>
        {SAVE_TEXT[saveState]}
      </span>
    </footer>
  );
}
