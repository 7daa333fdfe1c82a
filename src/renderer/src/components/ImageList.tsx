import { useEffect, useRef, useState } from 'react';
import type { ImageEntry } from '../../../shared/schemas';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { ConfirmDialog, TextDialog } from './Dialog';

function Thumbnail({ controller, image }: { controller: StudioController; image: ImageEntry }) {
  const version = useStore(controller.store, (s) => s.thumbVersion[image.id] ?? 0);
  const [url, setUrl] = useState<string | null>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: version changes when the annotation was saved: refetch
  useEffect(() => {
    let live = true;
    let made: string | null = null;
    void controller.api.getThumbnail(image.id).then((r) => {
      if (!live || !r.ok) return;
      made = URL.createObjectURL(new Blob([r.value as Uint8Array<ArrayBuffer>], { type: 'image/png' }));
      setUrl(made);
    });
    return () => {
      live = false;
      if (made) URL.revokeObjectURL(made);
    };
  }, [controller, image.id, version]);
  return url ? <img className="thumb" src={url} alt="" /> : <div className="thumb placeholder" />;
}

/** The entry's name with its page of a stack, unless the store already put it in the name. */
function pageName(im: ImageEntry): string {
  const suffix = `[${im.page + 1}/${im.pages}]`;
  return im.pages > 1 && !im.name.includes(suffix) ? `${im.name} ${suffix}` : im.name;
}

function statusText(image: ImageEntry): string {
  const { labelledPixels, objects } = image.annotation;
  if (labelledPixels === 0) return 'not annotated';
  const pct = (100 * labelledPixels) / (image.width * image.height);
  return `${pct < 0.1 ? '<0.1' : pct.toFixed(1)}% labelled · ${objects} objects`;
}

/**
 * Images of the project with thumbnails and annotation status; import by file dialog; rename
 * and remove (in-app dialogs) per image; a notice when an import duplicated an image.
 */
export function ImageList({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const images = useStore(store, (s) => s.project?.images ?? []);
  const selected = useStore(store, (s) => s.selectedImageId);
  const native = useStore(store, (s) => s.appInfo?.nativeDialogs === true);
  const input = useRef<HTMLInputElement>(null);
  const [renaming, setRenaming] = useState<ImageEntry | null>(null);
  const [removing, setRemoving] = useState<ImageEntry | null>(null);

  return (
    <aside className="image-list" data-testid="image-list">
      <div className="panel-head">
        <h3>Images ({images.length})</h3>
        <button
          type="button"
          data-testid="import-button"
          onClick={() => (native ? void controller.pickAndImport() : input.current?.click())}
        >
          Import…
        </button>
        <input
          ref={input}
          data-testid="import-input"
          type="file"
          multiple
          accept=".png,.jpg,.jpeg,.tif,.tiff,image/png,image/jpeg,image/tiff"
          hidden
          onChange={(e) => {
            const files = [...(e.target.files ?? [])];
            e.target.value = '';
            if (files.length) void controller.uploadFiles(files);
          }}
        />
      </div>
      {images.length === 0 && (
        <p className="muted drop-hint">Drop PNG, JPEG or TIFF files here, or use Import.</p>
      )}
      <ul>
        {images.map((im) => (
          <li key={im.id} className="image-row">
            <button
              type="button"
              className={`image-item ${im.id === selected ? 'selected' : ''}`}
              data-testid="image-item"
              data-image-id={im.id}
              onClick={() => void controller.selectImage(im.id)}
            >
              <Thumbnail controller={controller} image={im} />
              <span className="image-meta">
                <span className="image-name" title={im.name}>
                  {pageName(im)}
                </span>
                <span className="muted small">
                  {im.width}×{im.height} · {im.bitDepth}-bit{im.channels > 1 ? ` · ${im.channels} ch` : ''}
                </span>
                <span
                  className={`small ${im.annotation.labelledPixels ? 'ok' : 'muted'}`}
                  data-testid="image-status"
                >
                  {statusText(im)}
                </span>
              </span>
            </button>
            <span className="image-actions">
              <button type="button" title="Rename" data-testid="image-rename" onClick={() => setRenaming(im)}>
                ✎
              </button>
              <button
                type="button"
                title="Remove from the project"
                data-testid="image-remove"
                onClick={() => setRemoving(im)}
              >
                ✕
              </button>
            </span>
          </li>
        ))}
      </ul>
      {renaming && (
        <TextDialog
          title="Rename image"
          label="Name (used for exported masks too)"
          initial={renaming.name}
          onCancel={() => setRenaming(null)}
          onSubmit={(name) => {
            setRenaming(null);
            void controller.renameImage(renaming.id, name);
          }}
        />
      )}
      {removing && (
        <ConfirmDialog
          title="Remove image"
          message={
            <>
              Remove <strong>{removing.name}</strong> from the project? Its annotation
              {removing.annotation.labelledPixels > 0 ? ` (${statusText(removing)})` : ''} is deleted with it.
              The original file outside the project is not touched.
            </>
          }
          okLabel="Remove"
          onCancel={() => setRemoving(null)}
          onConfirm={() => {
            setRemoving(null);
            void controller.removeImage(removing.id);
          }}
        />
      )}
    </aside>
  );
}
