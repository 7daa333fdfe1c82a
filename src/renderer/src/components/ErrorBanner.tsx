import { useState } from 'react';
import { errorTitle } from '../store/errorText';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

/**
 * The last API error, worded by its code, with its message (expected errors say what to do and
 * name the file or folder); a bug's raw message and any detail behind a toggle.
 */
export function ErrorBanner({ controller }: { controller: StudioController }) {
  const error = useStore(controller.store, (s) => s.error);
  const [open, setOpen] = useState(false);
  if (!error) return null;
  const { context, info } = error;
  const hasDetails = info.code === 'internal' || Boolean(info.detail);
  return (
    <div className="error-banner" role="alert" data-testid="error" data-code={info.code}>
      <div className="row">
        <strong>
          {context}: {errorTitle(info)}
        </strong>
        <span className="muted">({info.code})</span>
        <span className="spacer" />
        {hasDetails && (
          <button type="button" className="link" onClick={() => setOpen(!open)}>
            {open ? 'Hide details' : 'Details'}
          </button>
        )}
        <button type="button" className="link" onClick={() => controller.store.set({ error: null })}>
          Dismiss
        </button>
      </div>
      {info.code !== 'internal' && <div data-testid="error-message">{info.message}</div>}
      {open && hasDetails && (
        <pre className="error-detail">
          {info.code === 'internal' ? info.message : ''}
          {info.detail ? `\n\n${info.detail}` : ''}
        </pre>
      )}
    </div>
  );
}
