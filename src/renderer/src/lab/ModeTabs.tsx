import { useStore } from '../store/Store';
import type { LabController } from './LabController';
import type { StudioMode } from './labState';

const MODES: { mode: StudioMode; label: string }[] = [
  { mode: 'annotate', label: 'Annotate' },
  { mode: 'train', label: 'Train' },
  { mode: 'compare', label: 'Compare' },
  { mode: 'export', label: 'Predict & export' },
];

/** The workspace's screens: annotate, train, compare, predict & export. */
export function ModeTabs({ lab }: { lab: LabController }) {
  const mode = useStore(lab.store, (s) => s.mode);
  return (
    <nav className="mode-tabs" data-testid="mode-tabs">
      {MODES.map((m) => (
        <button
          key={m.mode}
          type="button"
          className={m.mode === mode ? 'active' : ''}
          data-testid={`mode-${m.mode}`}
          onClick={() => lab.setMode(m.mode)}
        >
          {m.label}
        </button>
      ))}
    </nav>
  );
}
