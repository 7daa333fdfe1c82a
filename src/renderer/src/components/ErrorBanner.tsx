import { useState } from 'react';
import { errorTitle } from '../store/errorText';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

/** The last API error, worded by its code; the raw message and detail behind a toggle. */
export function ErrorBanner({ controller }: { controller: StudioController }) {
  const error = useStore(controller.store, (s) => s.error);
  const [open, setOpen] = useState(false);
  if (!error) return null;
  const { context, info } = error;
  return (
    <div className="error-banner" role="alert" data-testid="error" data-code={info.code}>
      <div className="row">
        <strong>
          {context}: {errorTitle(info)}
        </strong>
        <span className="muted">({info.code})</span>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => setOpen(!open)}>
          {open ? 'Hide details' : 'Details'}
        </button>
        <button type="button" className="link" onClick={() => controller.store.set({ error: null })}>
          Dismiss
        </button>
      </div>
      {open && (
        <pre className="error-detail">
          {info.message}
          {info.detail ? `\n\n${info.detail}` : ''}
        </pre>
      )}
    </div>
  );
}
