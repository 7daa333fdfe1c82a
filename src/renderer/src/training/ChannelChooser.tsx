import { channelName } from '../display/imageDisplay';
import type { LabController } from '../lab/LabController';
import { useStore } from '../store/Store';

/**
 * Which channels train: all (each image as it is) or any of them, for images of 2+ channels:
 * the network takes as many input channels as are chosen. The run and its models remember the
 * choice, and its models predict with the same channels. Null = all.
 */
export function ChannelChooser(props: {
  lab: LabController;
  imageIds: ReadonlySet<string>;
  value: number[] | null;
  onChange: (channels: number[] | null) => void;
}) {
  const { lab, imageIds, value, onChange } = props;
  const entries = useStore(lab.studio.store, (s) => s.project?.images ?? []);
  const chosenImages = entries.filter((e) => imageIds.has(e.id));
  const widest = chosenImages.reduce((a, e) => (e.channels > a.channels ? e : a), chosenImages[0] ?? null);
  if (widest === null || widest.channels < 2) return null;
  const all = value === null;
  const chosen = new Set(value ?? []);
  const toggle = (c: number) => {
    const next = new Set(chosen);
    if (next.has(c)) next.delete(c);
    else next.add(c);
    onChange([...next].sort((a, b) => a - b));
  };
  const bad = !all && value.length === 0;
  const lacking = all
    ? []
    : chosenImages.filter((e) => value.some((c) => c >= e.channels)).map((e) => e.name);
  return (
    <fieldset className="channel-chooser" data-testid="train-channels">
      <legend>Channels that train</legend>
      <label className="check">
        <input
          type="checkbox"
          checked={all}
          data-testid="train-channels-all"
          onChange={(e) => onChange(e.target.checked ? null : [0])}
        />
        <span>All (each image as it is)</span>
      </label>
      {!all &&
        Array.from({ length: widest.channels }, (_, c) => ({ c, name: channelName(widest, c) })).map(
          ({ c, name }) => (
            <label className="check" key={name + String(c)}>
              <input
                type="checkbox"
                checked={chosen.has(c)}
                data-testid={`train-channel-${c}`}
                onChange={() => toggle(c)}
              />
              <span>
                {c + 1}: {name}
              </span>
            </label>
          ),
        )}
      {bad && <p className="small error-text">Choose at least one channel.</p>}
      {!all && !bad && (
        <p className="small" data-testid="train-channels-count">
          The model takes {value.length} channel{value.length === 1 ? '' : 's'} (
          {value.map((c) => c + 1).join(', ')}) and predicts with the same ones.
        </p>
      )}
      {lacking.length > 0 && (
        <p className="small error-text" data-testid="train-channels-lacking">
          Without these channels: {lacking.join(', ')} (leave them out).
        </p>
      )}
    </fieldset>
  );
}
