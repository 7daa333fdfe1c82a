import { useState } from 'react';
import { SAMPLE } from '../../../shared/sample';
import type { LabController } from '../lab/LabController';
import type { StudioMode, TrainingSuggestion } from '../lab/labState';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import './sampleTour.css';

const { baseFilters, depth, tileSize, learningRate } = SAMPLE.training;

/** The training settings the tour puts in the form, and why. */
const SUGGESTION: TrainingSuggestion = {
  minutes: SAMPLE.trainMinutes,
  advanced: SAMPLE.training,
  note: `Set by the sample tour (see Advanced settings): a small network (${baseFilters} filters, ${depth} levels, ${tileSize} px tiles, learning rate ${learningRate}) learns these small images in ${SAMPLE.trainMinutes} minutes on a laptop. For your own images start from the fast preset.`,
};

interface Step {
  title: string;
  text: string;
  action: string;
  mode: StudioMode;
  done: boolean;
}

/**
 * The sample project's guided tour: paint, a short training, compare, export, one step at a
 * time; each step says what to do, has a button that goes there, and ticks itself off when
 * done (the next one is then highlighted). Shown only in the sample project; can be hidden.
 */
export function SampleTour({ controller, lab }: { controller: StudioController; lab: LabController }) {
  const project = useStore(controller.store, (s) => s.project);
  const runs = useStore(lab.store, (s) => s.runs);
  const models = useStore(lab.store, (s) => s.models);
  const compare = useStore(lab.store, (s) => s.compare);
  const exported = useStore(lab.store, (s) => s.exported);
  const [hidden, setHidden] = useState(false);
  if (project?.name !== SAMPLE.projectName) return null;
  const toPaint = project.images[SAMPLE.annotated];
  const painted = (toPaint?.annotation.labelledPixels ?? 0) > 0;
  const steps: Step[] = [
    {
      title: 'Paint',
      text: `${toPaint?.name ?? 'The fourth image'} has no labels yet. Choose the class "nucleus" and click inside two or three nuclei with Fill (F), or paint them with the Brush (B). Then choose "background" and Shift-click Fill between the nuclei: the whole dark background is labelled at once (without background the network learns that everything is a nucleus).`,
      action: `Show ${toPaint?.name ?? 'it'}`,
      mode: 'annotate',
      done: painted,
    },
    {
      title: 'Train',
      text: `The annotated images are ticked in Train. The form is set to stop after ${SAMPLE.trainMinutes} minutes: press Start training and watch the loss fall and the preview sharpen.`,
      action: 'Go to Train',
      mode: 'train',
      done: runs.length > 0 && models.length > 0,
    },
    {
      title: 'Compare',
      text: 'Compare scores the model against your annotations, image by image (IoU: 1 is perfect). Click a row to see where it disagrees.',
      action: 'Go to Compare',
      mode: 'compare',
      done: compare !== null,
    },
    {
      title: 'Export',
      text: `Predict the project's images, then Export: one mask per image plus objects.csv. The folder ${SAMPLE.truthFolder}/ in the project holds the exact truth to check them against.`,
      action: 'Go to Predict & export',
      mode: 'export',
      done: exported !== null && exported.files.length > 0,
    },
  ];
  const current = steps.findIndex((s) => !s.done);
  const go = (step: Step) => {
    if (step.mode === 'train') lab.store.set({ trainingSuggestion: SUGGESTION });
    lab.setMode(step.mode);
    if (step.mode === 'annotate' && toPaint) void controller.selectImage(toPaint.id);
  };
  if (hidden)
    return (
      <button
        type="button"
        className="link tour-show"
        data-testid="tour-show"
        onClick={() => setHidden(false)}
      >
        Show the tour
      </button>
    );
  return (
    <section className="sample-tour" data-testid="sample-tour" data-step={current}>
      <div className="row">
        <strong>Sample tour</strong>
        <span className="muted small">
          {current === -1 ? 'All done: try your own images next.' : `Step ${current + 1} of ${steps.length}`}
        </span>
        <span className="spacer" />
        <button type="button" className="link" onClick={() => setHidden(true)}>
          Hide
        </button>
      </div>
      <ol>
        {steps.map((step, i) => (
          <li
            key={step.title}
            className={i === current ? 'current' : step.done ? 'done' : ''}
            data-testid="tour-step"
            data-done={step.done ? 'yes' : 'no'}
          >
            <strong>
              {step.done ? '✓ ' : ''}
              {step.title}
            </strong>
            {i === current && (
              <>
                <p className="small">{step.text}</p>
                <button type="button" className="primary" data-testid="tour-go" onClick={() => go(step)}>
                  {step.action}
                </button>
              </>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
