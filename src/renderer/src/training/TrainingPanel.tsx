import { formatSeconds } from '../../../shared/format';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { LossChart } from './LossChart';
import { RunsTable } from './RunsTable';
import { TrainingForm } from './TrainingForm';
import { TrainingPreview } from './TrainingPreview';

const fmt = (v: number | null | undefined, digits = 3) =>
  v === null || v === undefined ? '–' : v.toFixed(digits);

/** The training screen: request form, the watched run live (figures, curves, preview), run history. */
export function TrainingPanel({ lab }: { lab: LabController }) {
  const { store } = lab;
  const runs = useStore(store, (s) => s.runs);
  const runId = useStore(store, (s) => s.runId);
  const points = useStore(store, (s) => s.points);
  const live = useStore(store, (s) => s.live);
  const backend = useStore(store, (s) => s.backend);
  const run = runs.find((r) => r.runId === runId) ?? null;
  const active =
    run !== null && (run.status === 'running' || run.status === 'starting' || run.status === 'stopping');
  const anyActive = runs.some(
    (r) => r.status === 'running' || r.status === 'starting' || r.status === 'stopping',
  );
  const resumable = run !== null && !active && run.status !== 'done' && run.checkpointStep !== null;
  const lastCheckpoints = run?.checkpointTimes.slice(-3).reverse() ?? [];

  return (
    <div className="lab training-panel" data-testid="training-panel">
      <div className="lab-left">
        <TrainingForm lab={lab} busy={anyActive} />
      </div>
      <div className="lab-main">
        {run ? (
          <div
            className="panel live-run"
            data-testid="live-run"
            data-run-id={run.runId}
            data-status={run.status}
            data-step={live?.step ?? run.step}
          >
            <div className="panel-head">
              <h3>
                Run {run.runId} · <span className={`status status-${run.status}`}>{run.status}</span>
              </h3>
              <div className="tool-group">
                <button
                  type="button"
                  data-testid="train-stop"
                  disabled={!active || run.status === 'stopping'}
                  onClick={() => void lab.stopTraining(run.runId)}
                >
                  {run.status === 'stopping' ? 'Stopping…' : 'Stop'}
                </button>
                <button
                  type="button"
                  data-testid="train-resume"
                  disabled={!resumable || anyActive}
                  onClick={() => void lab.resumeTraining(run.runId)}
                >
                  Resume{resumable ? ` from step ${run.checkpointStep}` : ''}
                </button>
              </div>
            </div>
            {run.message && (
              <div
                className={`run-message ${run.status === 'interrupted' || run.status === 'failed' ? 'warn' : ''}`}
              >
                {run.message}
              </div>
            )}
            <dl className="figures">
              <div>
                <dt>Step</dt>
                <dd data-testid="train-step">
                  {live?.step ?? run.step}
                  {(live?.totalSteps ?? run.totalSteps) ? ` / ${live?.totalSteps ?? run.totalSteps}` : ''}
                </dd>
              </div>
              <div>
                <dt>Loss</dt>
                <dd>{fmt(live?.loss ?? run.lastLoss)}</dd>
              </div>
              <div>
                <dt>Best val IoU</dt>
                <dd>
                  {run.bestValidationIoU === null ? '–' : `${fmt(run.bestValidationIoU)} @ ${run.bestStep}`}
                </dd>
              </div>
              <div>
                <dt>Tiles/s</dt>
                <dd>{fmt(live?.tilesPerSecond, 2)}</dd>
              </div>
              <div>
                <dt>ETA</dt>
                <dd>{active ? formatSeconds(live?.etaSeconds) : '–'}</dd>
              </div>
              <div>
                <dt>Elapsed</dt>
                <dd>{formatSeconds(live?.elapsedSeconds ?? run.elapsedSeconds)}</dd>
              </div>
              <div className="wide">
                <dt>Backend</dt>
                <dd data-testid="train-backend">{backend ?? run.backend ?? '–'}</dd>
              </div>
              <div className="wide">
                <dt>Checkpoints</dt>
                <dd data-testid="train-checkpoints">
                  {lastCheckpoints.length === 0
                    ? 'none yet'
                    : lastCheckpoints
                        .map((c) => `step ${c.step} at ${new Date(c.at).toLocaleTimeString()}`)
                        .join(' · ')}
                </dd>
              </div>
            </dl>
            <LossChart points={points} />
          </div>
        ) : (
          <div className="panel muted">Start a run: choose images and a preset on the left.</div>
        )}
        <TrainingPreview lab={lab} />
        <div className="panel">
          <h3>Runs</h3>
          <RunsTable lab={lab} runs={runs} watched={runId} />
        </div>
      </div>
    </div>
  );
}
