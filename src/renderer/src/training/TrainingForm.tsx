import { useEffect, useState } from 'react';
import type { TrainingAdvanced, TrainingRequest } from '../../../shared/apiModels';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { ChannelChooser } from './ChannelChooser';

/** Advanced fields as typed (empty = the preset's value). */
type AdvancedText = Record<
  Exclude<keyof TrainingAdvanced, 'optimizer' | 'augmentation' | 'objectBorders'>,
  string
>;

/** Hover text of the object borders checkbox, in the words of the fields' `paper` texts. */
const OBJECT_BORDERS_HELP =
  "Teaches the network each object's outline as a class of its own, so touching nuclei or cells come out as separate objects. Needs object labels (instance masks or painted objects) and one foreground class.";

/**
 * Advanced fields: a plain label, the preset's value as placeholder, and what the setting means
 * in the U-Net paper (Ronneberger et al. 2015) as the hover text.
 */
const FIELDS: { key: keyof AdvancedText; label: string; hint: string; paper: string; integer: boolean }[] = [
  {
    key: 'tileSize',
    label: 'Tile size (px)',
    hint: 'fast 348, paper 572',
    paper:
      'Edge of the square image piece the network sees at once. Bigger tiles see more context and run slower. Only some sizes fit the network exactly (the paper uses 572 px); a size that does not fit is refused with the nearest ones that do.',
    integer: true,
  },
  {
    key: 'baseFilters',
    label: 'Network width (filters)',
    hint: 'fast 16, paper 64',
    paper:
      'Feature maps of the first layer (doubling at each level). 64 in the paper; 16 trains ~16x faster on a CPU.',
    integer: true,
  },
  {
    key: 'depth',
    label: 'Network depth (levels)',
    hint: '4',
    paper: 'How many times the image is halved (4 in the paper): deeper sees larger structures.',
    integer: true,
  },
  {
    key: 'learningRate',
    label: 'Learning rate',
    hint: 'Adam 1e-3, SGD 0.01',
    paper: 'Step size of the optimiser; too high and training diverges.',
    integer: false,
  },
  {
    key: 'w0',
    label: 'Border emphasis (w0)',
    hint: 'fast 0, paper 10',
    paper:
      'How much more the thin background gaps between touching cells count in the loss (w0 = 10 in the paper, eq. 2). The fast preset leaves it at 0 and splits touching objects after prediction; when touching nuclei or cells still merge, tick "Split touching objects" instead.',
    integer: false,
  },
  {
    key: 'sigma',
    label: 'Border reach (sigma, px)',
    hint: '5',
    paper: 'How far from the gap between two cells that emphasis reaches (sigma = 5 px in the paper, eq. 2).',
    integer: false,
  },
  {
    key: 'steps',
    label: 'Stop after steps',
    hint: 'instead of minutes',
    paper: 'A budget in training steps; when set it wins over the time budget.',
    integer: true,
  },
  {
    key: 'checkpointMinutes',
    label: 'Save a checkpoint every (min)',
    hint: '5',
    paper: 'A stopped or crashed run resumes from its last checkpoint.',
    integer: false,
  },
  {
    key: 'checkpointEverySteps',
    label: 'Save a checkpoint every (steps)',
    hint: 'off',
    paper: 'A stopped or crashed run resumes from its last checkpoint.',
    integer: true,
  },
  {
    key: 'validateEverySteps',
    label: 'Score held-out images every (steps)',
    hint: '100',
    paper: 'How often the held-out images are predicted and scored (the best model is the best score).',
    integer: true,
  },
  { key: 'seed', label: 'Random seed', hint: '1', paper: 'Same seed and settings, same run.', integer: true },
];

/** Time budget of a run when the form is left as it is (minutes). */
const DEFAULT_MINUTES = 30;

const emptyAdvanced = Object.fromEntries(
  [...FIELDS.map((f) => f.key), 'minutes'].map((key) => [key, '']),
) as AdvancedText;

/** The training request form: images (annotated preselected), validation split, preset, advanced settings folded. */
export function TrainingForm({ lab, busy }: { lab: LabController; busy: boolean }) {
  const images = useStore(lab.store, (s) => s.images);
  const models = useStore(lab.store, (s) => s.models);
  const initFrom = useStore(lab.store, (s) => s.initFromModel);
  const trainsOn = useStore(lab.store, (s) => s.trainsOn);
  const [chosen, setChosen] = useState<Set<string> | null>(null);
  const [valFraction, setValFraction] = useState('0.2');
  const [preset, setPreset] = useState<'fast' | 'paper'>('fast');
  const [optimizer, setOptimizer] = useState<'' | 'adam' | 'sgd'>('');
  const [augmentation, setAugmentation] = useState(true);
  const [objectBorders, setObjectBorders] = useState<'' | 'on' | 'off'>('');
  const [advanced, setAdvanced] = useState<AdvancedText>(emptyAdvanced);
  const [fromModel, setFromModel] = useState('');
  const [channels, setChannels] = useState<number[] | null>(null);
  const suggestion = useStore(lab.store, (s) => s.trainingSuggestion);
  const [minutes, setMinutes] = useState(String(DEFAULT_MINUTES));
  useEffect(() => {
    if (initFrom !== null) setFromModel(initFrom);
  }, [initFrom]);
  useEffect(() => {
    if (suggestion === null) return;
    setMinutes(String(suggestion.minutes));
    const given = Object.entries(suggestion.advanced).map(([key, value]) => [key, String(value)]);
    setAdvanced({ ...emptyAdvanced, ...Object.fromEntries(given) });
  }, [suggestion]);
  const selected = chosen ?? new Set(images.filter((i) => i.annotated).map((i) => i.imageId));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };

  const noValidation = selected.size > 0 && (selected.size < 2 || Number(valFraction) <= 0);

  const request = (): TrainingRequest => {
    const a: TrainingAdvanced = { augmentation };
    if (objectBorders !== '') a.objectBorders = objectBorders === 'on';
    if (optimizer !== '') a.optimizer = optimizer;
    for (const f of FIELDS) {
      const text = advanced[f.key].trim();
      if (text !== '') a[f.key] = f.integer ? Math.round(Number(text)) : Number(text);
    }
    if (a.steps === undefined && Number(minutes) > 0) a.minutes = Number(minutes);
    const r: TrainingRequest = {
      imageIds: [...selected],
      valFraction: Number(valFraction),
      preset,
      advanced: a,
    };
    if (fromModel !== '') r.initFromModel = fromModel;
    if (channels !== null) r.channels = channels;
    return r;
  };

  return (
    <form
      className="panel training-form"
      data-testid="training-form"
      onSubmit={(e) => {
        e.preventDefault();
        void lab.startTraining(request());
      }}
    >
      <h3>Training images</h3>
      <ul className="train-images">
        {images.map((im) => (
          <li key={im.imageId}>
            <label className="check">
              <input
                type="checkbox"
                data-testid="train-image"
                data-image-id={im.imageId}
                checked={selected.has(im.imageId)}
                disabled={!im.annotated}
                onChange={() => toggle(im.imageId)}
              />
              <span className="image-name">{im.name}</span>
              <span className="muted small">
                {im.annotated ? `${im.labelledPixels} px, ${im.objects} obj` : 'not annotated'}
              </span>
            </label>
          </li>
        ))}
      </ul>
      <ChannelChooser lab={lab} imageIds={selected} value={channels} onChange={setChannels} />
      {suggestion && (
        <p className="run-message small" data-testid="train-suggestion">
          {suggestion.note}
        </p>
      )}
      <label className="field">
        <span>Stop after (minutes)</span>
        <input
          type="number"
          min={0.5}
          step="any"
          value={minutes}
          data-testid="train-minutes"
          title="The run saves its best model as it goes; you can stop it earlier, or resume it later."
          onChange={(e) => setMinutes(e.target.value)}
        />
      </label>
      <label className="field">
        <span>Validation split (share of images held out)</span>
        <input
          type="number"
          min={0}
          max={0.9}
          step={0.05}
          value={valFraction}
          data-testid="train-val"
          onChange={(e) => setValFraction(e.target.value)}
        />
      </label>
      {noValidation && (
        <p className="run-message warn small" data-testid="train-val-warning">
          {selected.size < 2
            ? `With ${selected.size} training image, none can be held out: there will be no validation scores and the last model is kept. Annotate a second image to get them.`
            : 'Validation split 0: no image is held out, so there will be no validation scores.'}
        </p>
      )}
      <label className="field">
        <span>Preset</span>
        <select
          value={preset}
          data-testid="train-preset"
          onChange={(e) => setPreset(e.target.value as 'fast' | 'paper')}
        >
          <option value="fast">fast (CPU: 16 filters, 348 tile, Adam)</option>
          <option value="paper">paper (64 filters, 572 tile, SGD 0.99; GPU)</option>
        </select>
      </label>
      <label className="field" title={OBJECT_BORDERS_HELP}>
        <span>Split touching objects (learn object borders)</span>
        <select
          value={objectBorders}
          data-testid="train-object-borders"
          onChange={(e) => setObjectBorders(e.target.value as '' | 'on' | 'off')}
        >
          <option value="">
            {preset === 'fast' ? 'automatic: when labelled objects touch' : 'off (paper)'}
          </option>
          <option value="on">on</option>
          <option value="off">off</option>
        </select>
      </label>
      <p className="small" data-testid="train-object-borders-help">
        For crowded nuclei or cells that touch: needs object labels (instance masks or painted objects) and
        one foreground class.
      </p>
      <label className="field">
        <span>Start from (retrain: continues that run's last checkpoint on the images chosen here)</span>
        <select value={fromModel} data-testid="train-from" onChange={(e) => setFromModel(e.target.value)}>
          <option value="">new model</option>
          {models.map((m) => (
            <option key={m.modelId} value={m.modelId}>
              {m.label}
            </option>
          ))}
        </select>
      </label>
      <details className="advanced" data-testid="train-advanced">
        <summary>Advanced settings</summary>
        <label className="field">
          <span>Optimiser</span>
          <select
            value={optimizer}
            data-testid="train-optimizer"
            onChange={(e) => setOptimizer(e.target.value as '' | 'adam' | 'sgd')}
          >
            <option value="">preset</option>
            <option value="adam">Adam</option>
            <option value="sgd">SGD momentum 0.99</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={augmentation}
            data-testid="train-augmentation"
            onChange={(e) => setAugmentation(e.target.checked)}
          />
          Augmentation (elastic, flips, gray values)
        </label>
        {FIELDS.map((f) => (
          <label key={f.key} className="field" title={f.paper}>
            <span>{f.label}</span>
            <input
              type="number"
              step="any"
              placeholder={f.hint}
              value={advanced[f.key]}
              data-testid={`train-${f.key}`}
              onChange={(e) => setAdvanced({ ...advanced, [f.key]: e.target.value })}
            />
          </label>
        ))}
      </details>
      <p className="trains-on small" data-testid="train-backend-info">
        Trains on: <strong>{trainsOn?.description ?? '…'}</strong>
      </p>
      {trainsOn?.warnings.map((w) => (
        <p key={w} className="backend-warning small" data-testid="train-backend-warning">
          {w}
        </p>
      ))}
      <button
        type="submit"
        className="primary"
        data-testid="train-start"
        disabled={busy || selected.size === 0}
      >
        {fromModel ? 'Retrain' : 'Start training'}
      </button>
    </form>
  );
}
