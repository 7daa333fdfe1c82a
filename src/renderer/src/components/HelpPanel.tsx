import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

/** Every keyboard shortcut, in one table (the keys are handled in useShortcuts). */
export const SHORTCUTS: readonly [string, string][] = [
  ['B', 'Brush'],
  ['E', 'Eraser'],
  ['P', 'Polygon / lasso (drag = lasso, clicks = polygon, Enter or double-click closes)'],
  ['F', 'Flood fill (label region or intensity, see side panel); hover to preview, Shift-click past 25%'],
  ['I', 'Pick class and object under the cursor'],
  ['[  ]', 'Brush size smaller / larger'],
  ['1 … 9 (with Shift)', 'Select class by position'],
  ['N', 'Toggle "continue object" (Alt while painting does it for one stroke)'],
  ['Ctrl+Z', 'Undo'],
  ['Ctrl+Shift+Z / Ctrl+Y', 'Redo'],
  ['Esc', 'Cancel the stroke or polygon in progress'],
  ['Enter', 'Close the polygon'],
  ['Space + drag, middle drag', 'Pan'],
  ['Wheel', 'Zoom to the cursor'],
  ['0', 'Fit image'],
  ['1', '100% (one image pixel per screen pixel)'],
  ['?', 'This help'],
];

export function HelpPanel({ controller }: { controller: StudioController }) {
  const open = useStore(controller.store, (s) => s.helpOpen);
  if (!open) return null;
  const close = () => controller.store.set({ helpOpen: false });
  return (
    <div className="modal-backdrop" onPointerDown={close}>
      <div className="modal" data-testid="help" onPointerDown={(e) => e.stopPropagation()}>
        <h2>Keyboard shortcuts</h2>
        <table>
          <tbody>
            {SHORTCUTS.map(([key, what]) => (
              <tr key={key}>
                <td>
                  <kbd>{key}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" onClick={close}>
          Close
        </button>
      </div>
    </div>
  );
}
