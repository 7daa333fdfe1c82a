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
  // Per visible channel: its colour and window; no per-pixel buffers (tiles may be whole images).
  const active = views
    .slice(0, channels)
    .map((view, c) => ({ view, c }))
    .filter(({ view }) => view.visible)
    .map(({ view, c }) => {
      const [r, g, b] = parseColor(view.color);
      return { c, r, g, b, min: view.min, span: view.max > view.min ? view.max - view.min : 0 };
    });
  for (let i = 0; i < n; i++) {
    let r = 0;
    let g = 0;
    let b = 0;
    const base = i * channels;
    for (const ch of active) {
      const v = samples[base + ch.c];
      const level = ch.span === 0 ? (v > ch.min ? 1 : 0) : Math.min(1, Math.max(0, (v - ch.min) / ch.span));
      r += level * ch.r;
      g += level * ch.g;
      b += level * ch.b;
    }
    const rr = r >= 255 ? 255 : Math.round(r);
    const gg = g >= 255 ? 255 : Math.round(g);
    const bb = b >= 255 ? 255 : Math.round(b);
    out[i] = ((255 << 24) | (bb << 16) | (gg << 8) | rr) >>> 0;
  }
}
