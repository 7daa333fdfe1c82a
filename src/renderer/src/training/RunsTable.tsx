import type { RunInfo } from '../../../shared/apiModels';
import { formatSeconds } from '../../../shared/format';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';

const canResume = (r: RunInfo) =>
  (r.status === 'stopped' || r.status === 'interrupted' || r.status === 'failed') &&
  r.checkpointStep !== null;

/** The project's runs with their configs, status and best metrics; watch, stop or resume each. */
export function RunsTable({
  lab,
  runs,
  watched,
}: {
  lab: LabController;
  runs: RunInfo[];
  watched: string | null;
}) {
  // The watched run's figures as the run panel shows them (the list is read less often).
  const live = useStore(lab.store, (s) => s.live);
  if (runs.length === 0) return <p className="muted">No training run yet.</p>;
  return (
    <table className="runs-table" data-testid="runs-table">
      <thead>
        <tr>
          <th>Run</th>
          <th>Status</th>
          <th>Images</th>
          <th>Settings</th>
          <th>Step</th>
          <th>Best val IoU</th>
          <th>Backend</th>
          <th>Elapsed</th>
          <th>Started</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {runs.map((r) => {
          const a = r.request.advanced;
          const settings = [
            r.request.preset,
            a.tileSize && `tile ${a.tileSize}`,
            a.baseFilters && `${a.baseFilters} filters`,
            a.depth && `depth ${a.depth}`,
            a.optimizer,
            a.learningRate && `lr ${a.learningRate}`,
            a.objectBorders === true && 'object borders',
            a.objectBorders === false && 'no object borders',
            a.steps ? `${a.steps} steps` : a.minutes && `${a.minutes} min`,
            `val ${Math.round(r.request.valFraction * 100)}%`,
            r.request.initFromModel && `from ${r.request.initFromModel}`,
          ].filter(Boolean);
          return (
            <tr
              key={r.runId}
              className={r.runId === watched ? 'selected' : ''}
              data-testid="run-row"
              data-run-id={r.runId}
              data-status={r.status}
            >
              <td className="numeric">{r.runId}</td>
              <td title={r.message ?? ''}>
                <span className={`status status-${r.status}`}>{r.status}</span>
                {r.status === 'interrupted' && r.checkpointStep !== null && (
                  <div className="small muted">checkpoint at step {r.checkpointStep}</div>
                )}
              </td>
              <td
                data-testid="run-images"
                title={`Trained on: ${r.imageNames.filter((n) => !r.heldOutNames.includes(n)).join(', ')}\nHeld out for validation: ${r.heldOutNames.join(', ') || 'none'}`}
              >
                {r.imageNames.length}
                <div className="small muted">
                  {r.heldOutNames.length > 0 ? `held out: ${r.heldOutNames.join(', ')}` : 'none held out'}
                </div>
              </td>
              <td className="small">{settings.join(' · ')}</td>
              <td className="numeric">
                {r.step}
                {r.totalSteps ? ` / ${r.totalSteps}` : ''}
              </td>
              <td className="numeric">
                {r.bestValidationIoU === null ? '–' : `${r.bestValidationIoU.toFixed(3)} @ ${r.bestStep}`}
              </td>
              <td className="small">{r.backend ?? '–'}</td>
              <td className="numeric">
                {formatSeconds((r.runId === watched ? live?.elapsedSeconds : null) ?? r.elapsedSeconds)}
              </td>
              <td className="small">{new Date(r.startedAt ?? r.createdAt).toLocaleString()}</td>
              <td>
                <div className="tool-group">
                  <button
                    type="button"
                    disabled={r.runId === watched}
                    onClick={() => void lab.watch(r.runId)}
                  >
                    Watch
                  </button>
                  {canResume(r) && (
                    <button
                      type="button"
                      data-testid="run-resume"
                      onClick={() => void lab.resumeTraining(r.runId)}
                    >
                      Resume from step {r.checkpointStep}
                    </button>
                  )}
                </div>
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
