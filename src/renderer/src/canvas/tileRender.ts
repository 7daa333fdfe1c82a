import type { ImageTile } from '../../../shared/api';
import type { IntensityStats } from '../../../shared/schemas';
import { type ChannelView, compositeTile } from '../display/composite';
import { buildLut, type LutName, type RawImage, renderImage } from './imageRender';

/**
 * How a tile is shown: one channel by the intensity window (display units) and the LUT; 2+
 * channels (RGB too) as a composite of the per-channel views, when there is one per channel.
 */
export interface TileDisplay {
  min: number;
  max: number;
  lut: LutName;
  channels?: readonly ChannelView[];
}

/** A key that changes whenever the rendering of a tile would. */
export function tileDisplayKey(display: TileDisplay): string {
  const channels = (display.channels ?? []).map((c) => `${c.color}:${c.min}:${c.max}:${c.visible ? 1 : 0}`);
  return `${display.min}/${display.max}/${display.lut}/${channels.join(',')}`;
}

/**
 * A tile's samples as the display path takes them: 8- and 16-bit as they are, 32-bit float
 * quantised to 16 bits over the image's [min, max] (so one LUT path draws every image and the
 * window is in quantised units, as ImageSession.autoWindow reports it).
 */
export function displayableTile(tile: ImageTile, stats: IntensityStats): RawImage {
  const { width, height, channels } = tile;
  if (tile.bitDepth === 8 || tile.bitDepth === 16) {
    return { width, height, channels, bitDepth: tile.bitDepth, data: tile.data as Uint8Array | Uint16Array };
  }
  const { min, max } = stats;
  const scale = max > min ? 65535 / (max - min) : 0;
  const q = new Uint16Array(tile.data.length);
  for (let i = 0; i < q.length; i++) q[i] = Math.round((tile.data[i] - min) * scale);
  return { width, height, channels, bitDepth: 16, data: q };
}

/** Display LUTs by bit depth and settings: a 16-bit LUT takes ~1 ms to build, once per change. */
const luts = new Map<string, Uint32Array>();

/**
 * The one function that turns a tile's raw samples into display RGBA (little-endian packed
 * words, `tile.width * tile.height` of them in `out`). The viewer calls it once per tile and
 * display change.
 */
export function renderTile(tile: RawImage, display: TileDisplay, out: Uint32Array): void {
  const { channels } = display;
  if (tile.channels > 1 && channels !== undefined && channels.length === tile.channels) {
    compositeTile(tile.data, tile.width, tile.height, tile.channels, channels, out);
    return;
  }
  const key = `${tile.bitDepth}/${display.min}/${display.max}/${display.lut}`;
  let lut = luts.get(key);
  if (!lut) {
    if (luts.size > 8) luts.clear();
    lut = buildLut(tile.bitDepth, display.min, display.max, display.lut);
    luts.set(key, lut);
  }
  renderImage(tile, lut, out);
}
