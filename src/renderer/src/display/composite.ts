/**
 * Compositing: raw channels plus per-channel display settings -> display RGBA. One function a
 * tile renderer calls per tile (or once for a whole image): each visible channel is windowed
 * to [min, max] and adds its colour times that level, clamped at white (Fiji's composite
 * "sum"). Output words are RGBA bytes on a little-endian machine (0xAABBGGRR), as the canvas'
 * ImageData wants them.
 */

/** How one channel is shown: '#rrggbb' colour, window in raw units, visibility. */
export interface ChannelView {
  color: string;
  min: number;
  max: number;
  visible: boolean;
}

/** '#rrggbb' -> [r, g, b] in 0..255 (anything else: white). */
export function parseColor(color: string): [number, number, number] {
  const m = /^#([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(color);
  if (m === null) return [255, 255, 255];
  return [Number.parseInt(m[1], 16), Number.parseInt(m[2], 16), Number.parseInt(m[3], 16)];
}

/**
 * Writes `width * height` packed opaque RGBA words into `out` from interleaved samples
 * (`samples[(y * width + x) * channels + c]`, any numeric typed array: 8/16-bit or float).
 * `views[c]` says how channel c is shown; channels without a view, or hidden, add nothing. A
 * window with max <= min acts as a threshold at min.
 */
export function compositeTile(
  samples: ArrayLike<number>,
  width: number,
  height: number,
  channels: number,
  views: readonly ChannelView[],
  out: Uint32Array,
): void {
  const n = width * height;
  if (samples.length < n * channels)
    throw new Error(`${samples.length} samples for ${width}x${height}x${channels}`);
  if (out.length < n) throw new Error(`output holds ${out.length} words for ${n} pixels`);
  const active = views
    .slice(0, channels)
    .map((view, c) => ({ view, c }))
    .filter(({ view }) => view.visible);
  const r = new Float32Array(n);
  const g = new Float32Array(n);
  const b = new Float32Array(n);
  for (const { view, c } of active) {
    const [cr, cg, cb] = parseColor(view.color);
    const span = view.max > view.min ? view.max - view.min : 0;
    for (let i = 0; i < n; i++) {
      const v = samples[i * channels + c];
      const level = span === 0 ? (v > view.min ? 1 : 0) : Math.min(1, Math.max(0, (v - view.min) / span));
      r[i] += level * cr;
      g[i] += level * cg;
      b[i] += level * cb;
    }
  }
  for (let i = 0; i < n; i++) {
    const rr = Math.min(255, Math.round(r[i]));
    const gg = Math.min(255, Math.round(g[i]));
    const bb = Math.min(255, Math.round(b[i]));
    out[i] = ((255 << 24) | (bb << 16) | (gg << 8) | rr) >>> 0;
  }
}
