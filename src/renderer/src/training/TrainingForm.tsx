import { useEffect, useState } from 'react';
import type { TrainingAdvanced, TrainingRequest } from '../../../shared/apiModels';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';
import { ChannelChooser } from './ChannelChooser';

/** Advanced fields as typed (empty = the preset's value). */
type AdvancedText = Record<Exclude<keyof TrainingAdvanced, 'optimizer' | 'augmentation'>, string>;

const FIELDS: { key: keyof AdvancedText; label: string; hint: string; integer: boolean }[] = [
  {
    key: 'tileSize',
    label: 'Tile (px)',
    hint: 'fast 348, paper 572; must be a legal U-Net size',
    integer: true,
  },
  { key: 'baseFilters', label: 'Base filters', hint: 'fast 16, paper 64', integer: true },
  { key: 'depth', label: 'Depth', hint: 'pooling steps (4)', integer: true },
  { key: 'learningRate', label: 'Learning rate', hint: 'Adam 1e-3, SGD 0.01', integer: false },
  { key: 'w0', label: 'w0', hint: 'border weight (10)', integer: false },
  { key: 'sigma', label: 'sigma (px)', hint: 'border width (5)', integer: false },
  { key: 'steps', label: 'Steps', hint: 'budget in steps (or minutes)', integer: true },
  { key: 'minutes', label: 'Minutes', hint: 'time budget (30 when neither is set)', integer: false },
  { key: 'checkpointMinutes', label: 'Checkpoint every (min)', hint: '5', integer: false },
  { key: 'checkpointEverySteps', label: 'Checkpoint every (steps)', hint: 'off', integer: true },
  { key: 'validateEverySteps', label: 'Validate every (steps)', hint: '100', integer: true },
  { key: 'seed', label: 'Seed', hint: '1', integer: true },
];

const emptyAdvanced = Object.fromEntries(FIELDS.map((f) => [f.key, ''])) as AdvancedText;

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
  const [advanced, setAdvanced] = useState<AdvancedText>(emptyAdvanced);
  const [fromModel, setFromModel] = useState('');
  const [channels, setChannels] = useState<number[] | null>(null);
  useEffect(() => {
    if (initFrom !== null) setFromModel(initFrom);
  }, [initFrom]);
  const selected = chosen ?? new Set(images.filter((i) => i.annotated).map((i) => i.imageId));
  const toggle = (id: string) => {
    const next = new Set(selected);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setChosen(next);
  };

  const request = (): TrainingRequest => {
    const a: TrainingAdvanced = { augmentation };
    if (optimizer !== '') a.optimizer = optimizer;
    for (const f of FIELDS) {
      const text = advanced[f.key].trim();
      if (text !== '') a[f.key] = f.integer ? Math.round(Number(text)) : Number(text);
    }
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
          <label key={f.key} className="field">
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
