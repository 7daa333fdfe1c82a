import { LUT_NAMES } from '../canvas/imageRender';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { PageSlider } from './PageSlider';

/** Contrast/brightness of the shown image: window min/max (raw units), Auto (percentiles), LUT. */
export function DisplayPanel({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const display = useStore(store, (s) => s.display);
  useStore(store, (s) => s.sessionVersion);
  const session = controller.current();
  if (!session) return null;
  const top = session.raw.bitDepth === 16 ? 65535 : 255;
  const set = (patch: Partial<typeof display>) => store.set({ display: { ...display, ...patch } });
  const auto = () => {
    set(session.autoWindow());
  };
  const centre = (display.min + display.max) / 2;
  const width = display.max - display.min;
  return (
    <section className="panel">
      <h3>Display</h3>
      <PageSlider controller={controller} />
      <label className="field">
        <span>
          Min <span className="num">{display.min}</span>
        </span>
        <input
          type="range"
          min={0}
          max={top}
          value={display.min}
          data-testid="display-min"
          onChange={(e) => set({ min: Math.min(Number(e.target.value), display.max - 1) })}
        />
      </label>
      <label className="field">
        <span>
          Max <span className="num">{display.max}</span>
        </span>
        <input
          type="range"
          min={0}
          max={top}
          value={display.max}
          data-testid="display-max"
          onChange={(e) => set({ max: Math.max(Number(e.target.value), display.min + 1) })}
        />
      </label>
      <label className="field">
        <span>Brightness</span>
        <input
          type="range"
          min={-top}
          max={top}
          value={Math.round(top / 2 - centre)}
          onChange={(e) => {
            const c = top / 2 - Number(e.target.value);
            set({ min: Math.round(c - width / 2), max: Math.round(c + width / 2) });
          }}
        />
      </label>
      <div className="row">
        <button type="button" data-testid="display-auto" onClick={auto} title="0.5 / 99.5 percentiles">
          Auto
        </button>
        <button type="button" onClick={() => set({ min: 0, max: top })}>
          Full range
        </button>
        <select
          value={display.lut}
          onChange={(e) => set({ lut: LUT_NAMES.find((n) => n === e.target.value) ?? 'gray' })}
          data-testid="lut"
        >
          {LUT_NAMES.map((n) => (
            <option key={n} value={n}>
              {n}
            </option>
          ))}
        </select>
      </div>
      <p className="muted small">
        {session.info.width}×{session.info.height}, {session.info.bitDepth}-bit, range{' '}
        {session.info.stats.min}–{session.info.stats.max}
      </p>
    </section>
  );
}
