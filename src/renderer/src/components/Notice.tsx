import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

/** A warning that is not an error (a file imported twice, a fill refused), until dismissed. */
export function Notice({ controller }: { controller: StudioController }) {
  const notice = useStore(controller.store, (s) => s.notice);
  if (!notice) return null;
  return (
    <div className="notice row" role="status" data-testid="notice">
      <span>{notice}</span>
      <span className="spacer" />
      <button type="button" className="link" onClick={() => controller.store.set({ notice: null })}>
        Dismiss
      </button>
    </div>
  );
}
