import { useMemo } from 'react';
import type { ChannelDisplay, ImageDisplay } from '../../../shared/schemas';
import { LUT_NAMES } from '../canvas/imageRender';
import { autoDisplay, channelName, type DisplaySource, dataRange, histogram } from '../display/imageDisplay';
import type { ImageSession } from '../store/ImageSession';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { PageSlider } from './PageSlider';

/** "0.325 µm" (3 significant digits; nm below 0.1 µm would still read fine in µm). */
export function formatPixelSize(size: { x: number; y: number } | undefined): string | null {
  if (!size) return null;
  const f = (v: number) => Number(v.toPrecision(3)).toString();
  return size.x === size.y ? `${f(size.x)} µm/px` : `${f(size.x)} × ${f(size.y)} µm/px`;
}

/** A small histogram of one channel over [lo, hi] (log heights) with the window marked. */
function Histogram(props: {
  session: ImageSession;
  channel: number;
  lo: number;
  hi: number;
  min: number;
  max: number;
  color: string;
}) {
  const { session, channel, lo, hi, min, max, color } = props;
  // Counted on the coarsest pyramid level (one tile), which the session fetches after opening.
  const sample = session.sample;
  const counts = useMemo(
    () => (sample === null ? new Uint32Array(96) : histogram(sample, channel, lo, hi, 96)),
    [sample, channel, lo, hi],
  );
  const top = Math.log1p(Math.max(1, ...counts));
  const x = (v: number) => ((v - lo) / Math.max(1e-9, hi - lo)) * 96;
  // One closed path of bars: bin i spans x = i..i+1.
  const path = `M0 24 ${[...counts].map((c, i) => `L${i} ${24 - (Math.log1p(c) / top) * 24} L${i + 1} ${24 - (Math.log1p(c) / top) * 24}`).join(' ')} L96 24 Z`;
  return (
    <svg
      className="histogram"
      viewBox="0 0 96 24"
      preserveAspectRatio="none"
      data-testid={`histogram-${channel}`}
    >
      <title>Histogram of the data range</title>
      <path d={path} fill={color} opacity={0.7} />
      <line x1={x(min)} x2={x(min)} y1={0} y2={24} stroke="#fff" strokeWidth={0.6} />
      <line x1={x(max)} x2={x(max)} y1={0} y2={24} stroke="#fff" strokeWidth={0.6} />
    </svg>
  );
}

/** Min/max sliders over the data's own range (widened to show a saved window outside it). */
function WindowSliders(props: {
  id: string;
  lo: number;
  hi: number;
  min: number;
  max: number;
  onChange: (w: { min: number; max: number }) => void;
}) {
  const { id, min, max, onChange } = props;
  const lo = Math.min(props.lo, min);
  const hi = Math.max(props.hi, max, lo + 1);
  return (
    <>
      <label className="field">
        <span>
          Min <span className="num">{min}</span>
        </span>
        <input
          type="range"
          min={lo}
          max={hi}
          value={min}
          data-testid={`${id}-min`}
          onChange={(e) => onChange({ min: Math.min(Number(e.target.value), max - 1), max })}
        />
      </label>
      <label className="field">
        <span>
          Max <span className="num">{max}</span>
        </span>
        <input
          type="range"
          min={lo}
          max={hi}
          value={max}
          data-testid={`${id}-max`}
          onChange={(e) => onChange({ min, max: Math.max(Number(e.target.value), min + 1) })}
        />
      </label>
    </>
  );
}

/**
 * How the shown image is drawn, saved per image with the project. One channel: window
 * (min/max over the data's real range, with its histogram), Auto (0.5/99.5 percentiles) and a
 * LUT. Two or more channels (an RGB image too): a composite with colour, window, histogram
 * and visibility per channel, since a LUT on a colour image would only tint it.
 */
export function DisplayPanel({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const display = useStore(store, (s) => s.display);
  const selected = useStore(store, (s) => s.selectedImageId);
  const entry = useStore(store, (s) => s.project?.images.find((i) => i.id === s.selectedImageId));
  useStore(store, (s) => s.sessionVersion);
  const session = controller.current();
  if (!session || session.imageId !== selected) return null;
  const source: DisplaySource = entry ?? session.info;
  const set = (next: ImageDisplay) => controller.setDisplay(next);
  const composite = session.raw.channels > 1 && display.channels.length === session.raw.channels;
  const setChannel = (c: number, patch: Partial<ChannelDisplay>) =>
    set({ ...display, channels: display.channels.map((ch, k) => (k === c ? { ...ch, ...patch } : ch)) });
  const whole = dataRange(source, -1);
  const pixelSize = formatPixelSize(entry?.pixelSize);

  return (
    <section className="panel" data-testid="display-panel">
      <h3>Display</h3>
      <PageSlider controller={controller} />
      {composite ? (
        display.channels
          .map((ch, c) => ({ ch, c, key: `${session.imageId}:${c}` }))
          .map(({ ch, c, key }) => {
            const range = dataRange(source, c);
            const name = entry ? channelName(entry, c) : `Channel ${c + 1}`;
            return (
              <div className="channel" key={key} data-testid={`channel-${c}`}>
                <div className="row">
                  <label className="check">
                    <input
                      type="checkbox"
                      checked={ch.visible}
                      data-testid={`channel-${c}-visible`}
                      onChange={(e) => setChannel(c, { visible: e.target.checked })}
                    />
                    <span data-testid={`channel-${c}-name`}>{name}</span>
                  </label>
                  <input
                    type="color"
                    value={ch.color}
                    data-testid={`channel-${c}-color`}
                    title={`Colour of ${name}`}
                    onChange={(e) => setChannel(c, { color: e.target.value })}
                  />
                </div>
                <Histogram
                  session={session}
                  channel={c}
                  lo={range.min}
                  hi={range.max}
                  min={ch.min}
                  max={ch.max}
                  color={ch.color}
                />
                <WindowSliders
                  id={`channel-${c}`}
                  lo={range.min}
                  hi={range.max}
                  min={ch.min}
                  max={ch.max}
                  onChange={(w) => setChannel(c, w)}
                />
              </div>
            );
          })
      ) : (
        <>
          <Histogram
            session={session}
            channel={0}
            lo={whole.min}
            hi={whole.max}
            min={display.min}
            max={display.max}
            color="#9ca3af"
          />
          <WindowSliders
            id="display"
            lo={whole.min}
            hi={whole.max}
            min={display.min}
            max={display.max}
            onChange={(w) => set({ ...display, ...w })}
          />
        </>
      )}
      <div className="row">
        <button
          type="button"
          data-testid="display-auto"
          onClick={() => set({ ...autoDisplay(source), lut: display.lut })}
          title="0.5 / 99.5 percentiles of each channel"
        >
          Auto
        </button>
        <button
          type="button"
          title="The data's minimum to maximum"
          onClick={() =>
            set({
              ...display,
              min: whole.min,
              max: Math.max(whole.max, whole.min + 1),
              channels: display.channels.map((ch, c) => {
                const r = dataRange(source, c);
                return { ...ch, min: r.min, max: Math.max(r.max, r.min + 1) };
              }),
            })
          }
        >
          Full range
        </button>
        {!composite && (
          <select
            value={display.lut}
            onChange={(e) => set({ ...display, lut: LUT_NAMES.find((n) => n === e.target.value) ?? 'gray' })}
            data-testid="lut"
          >
            {LUT_NAMES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        )}
      </div>
      <p className="muted small" data-testid="display-info">
        {session.info.width}×{session.info.height}, {session.info.bitDepth}-bit
        {session.info.channels > 1 ? `, ${session.info.channels} channels` : ''}, range{' '}
        {session.info.stats.min}–{session.info.stats.max}
        {pixelSize ? `, ${pixelSize}` : ''}
      </p>
    </section>
  );
}
