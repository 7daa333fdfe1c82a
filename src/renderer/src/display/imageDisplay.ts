import type { ImageDisplay, ImageEntry, IntensityStats } from '../../../shared/schemas';
import type { RawImage } from '../canvas/imageRender';

/** Colours of channels the file gives none for: RGB for 3-4, green/magenta for 2, then more. */
const DEFAULT_COLORS: Record<number, string[]> = {
  2: ['#00ff00', '#ff00ff'],
  3: ['#ff0000', '#00ff00', '#0000ff'],
  4: ['#ff0000', '#00ff00', '#0000ff', '#ffffff'],
};
const MORE_COLORS = ['#ff0000', '#00ff00', '#0000ff', '#00ffff', '#ff00ff', '#ffff00', '#ffffff'];

/** The colour channel c of `entry` starts with. */
export function defaultColor(entry: Pick<DisplaySource, 'channels' | 'channelColors'>, c: number): string {
  const given = entry.channelColors?.[c];
  if (given && /^#[0-9a-f]{6}$/i.test(given) && given.toLowerCase() !== '#000000') return given;
  return (DEFAULT_COLORS[entry.channels] ?? MORE_COLORS)[c % MORE_COLORS.length];
}

/** The name shown for channel c: the file's, else "Channel c+1" (R, G, B for a colour image). */
export function channelName(
  entry: Pick<ImageEntry, 'channels' | 'channelNames' | 'plane'>,
  c: number,
): string {
  const given = entry.channelNames?.[c];
  if (given) return given;
  if (entry.plane === undefined && (entry.channels === 3 || entry.channels === 4))
    return ['Red', 'Green', 'Blue', 'Alpha'][c];
  return `Channel ${c + 1}`;
}

/**
 * The range of the data of channel c (or of the whole image for c = -1) in display units: raw
 * for 8/16-bit, quantised 0..65535 over the image's [min, max] for float (as toDisplayable
 * shows it). Sliders and the histogram span this, not the bit depth's full range.
 */
export function dataRange(
  entry: Pick<ImageEntry, 'bitDepth' | 'stats' | 'channelStats'>,
  c: number,
): IntensityStats {
  const stats = (c >= 0 ? entry.channelStats?.[c] : undefined) ?? entry.stats;
  if (entry.bitDepth !== 32) return stats;
  const { min, max } = entry.stats;
  const q = (v: number) => Math.round(((v - min) / Math.max(1e-12, max - min)) * 65535);
  return { min: q(stats.min), max: q(stats.max), low: q(stats.low), high: q(stats.high) };
}

/** What the display of an image is derived from: its manifest entry (or just its pixels' header). */
export type DisplaySource = Pick<ImageEntry, 'channels' | 'bitDepth' | 'stats'> &
  Partial<Pick<ImageEntry, 'channelStats' | 'channelColors' | 'plane' | 'display'>>;

/**
 * Auto contrast: the 0.5..99.5 percentile window (at least one unit wide), per channel for a
 * microscopy composite; a colour (RGB) image keeps one window for all three channels, so its
 * colour balance stays as photographed.
 */
export function autoDisplay(entry: DisplaySource): ImageDisplay {
  const whole = dataRange(entry, -1);
  const colour = entry.plane === undefined && (entry.channels === 3 || entry.channels === 4);
  const channels =
    entry.channels === 1
      ? []
      : Array.from({ length: entry.channels }, (_, c) => {
          const r = colour ? whole : dataRange(entry, c);
          // A colour image's alpha is not a signal: hidden.
          const visible = !(colour && c === 3);
          return { color: defaultColor(entry, c), min: r.low, max: Math.max(r.high, r.low + 1), visible };
        });
  return { lut: 'gray', min: whole.low, max: Math.max(whole.high, whole.low + 1), channels };
}

/** The saved display of an image when it still fits (same channel count), else auto contrast. */
export function initialDisplay(entry: DisplaySource): ImageDisplay {
  const saved = entry.display;
  const expected = entry.channels === 1 ? 0 : entry.channels;
  if (saved && saved.channels.length === expected) return saved;
  return autoDisplay(entry);
}

/**
 * Counts of channel c's samples (c = 0 for one channel) in `bins` equal bins over [lo, hi]
 * (values outside go to the end bins).
 */
export function histogram(raw: RawImage, c: number, lo: number, hi: number, bins = 128): Uint32Array {
  const counts = new Uint32Array(bins);
  const { data, channels } = raw;
  const n = raw.width * raw.height;
  const scale = hi > lo ? bins / (hi - lo) : 0;
  for (let i = 0; i < n; i++) {
    const k = Math.floor((data[i * channels + c] - lo) * scale);
    counts[k < 0 ? 0 : k >= bins ? bins - 1 : k]++;
  }
  return counts;
}
