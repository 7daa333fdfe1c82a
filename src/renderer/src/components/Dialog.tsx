import { type ReactNode, useEffect, useRef, useState } from 'react';
import './dialogs.css';

/**
 * A modal dialog drawn by the page itself (Electron has no `window.prompt`): a title, content,
 * and OK / Cancel. Enter submits, Escape cancels.
 */
function Modal({
  title,
  children,
  okLabel,
  okDisabled,
  danger,
  onOk,
  onCancel,
}: {
  title: string;
  children: ReactNode;
  okLabel: string;
  okDisabled?: boolean;
  danger?: boolean;
  onOk: () => void;
  onCancel: () => void;
}) {
  return (
    <div className="modal-backdrop">
      <form
        className="modal"
        role="dialog"
        aria-label={title}
        data-testid="dialog"
        onKeyDown={(e) => {
          e.stopPropagation();
          if (e.key === 'Escape') onCancel();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          if (!okDisabled) onOk();
        }}
      >
        <h3>{title}</h3>
        {children}
        <div className="row modal-buttons">
          <button type="button" data-testid="dialog-cancel" onClick={onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className={danger ? 'danger' : 'primary'}
            data-testid="dialog-ok"
            disabled={okDisabled}
          >
            {okLabel}
          </button>
        </div>
      </form>
    </div>
  );
}

/** Asks for a line of text (a new name); OK is disabled while it is empty. */
export function TextDialog({
  title,
  label,
  initial,
  okLabel = 'Rename',
  onSubmit,
  onCancel,
}: {
  title: string;
  label: string;
  initial: string;
  okLabel?: string;
  onSubmit: (value: string) => void;
  onCancel: () => void;
}) {
  const [value, setValue] = useState(initial);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => input.current?.select(), []);
  return (
    <Modal
      title={title}
      okLabel={okLabel}
      okDisabled={value.trim() === ''}
      onOk={() => onSubmit(value.trim())}
      onCancel={onCancel}
    >
      <label className="field">
        <span>{label}</span>
        <input
          ref={input}
          data-testid="dialog-input"
          value={value}
          onChange={(e) => setValue(e.target.value)}
        />
      </label>
    </Modal>
  );
}

/** Asks to confirm something that cannot be undone. */
export function ConfirmDialog({
  title,
  message,
  okLabel,
  onConfirm,
  onCancel,
}: {
  title: string;
  message: ReactNode;
  okLabel: string;
  onConfirm: () => void;
  onCancel: () => void;
}) {
  return (
    <Modal title={title} okLabel={okLabel} danger onOk={onConfirm} onCancel={onCancel}>
      <p>{message}</p>
    </Modal>
  );
}
