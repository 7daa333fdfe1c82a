/**
 * ImageJ's ImageDescription: `key=value` lines starting with `ImageJ=<version>`, as ImageJ's
 * FileSaver writes them and its FileOpener reads them (channels, slices, frames, unit, spacing,
 * hyperstack, mode). Pixel width and height live in the XResolution / YResolution tags.
 */

/** The version we claim: ImageJ reads any description whose first line starts `ImageJ=`. */
const IMAGEJ_VERSION = '1.54f';

export interface ImageJDescription {
  images: number;
  channels: number;
  slices: number;
  frames: number;
  /** Length unit of the resolution tags and spacing, as written ('micron', 'nm', ...). */
  unit?: string;
  /** Z step in `unit`. */
  spacing?: number;
  /** Display mode ('composite', 'color', 'grayscale'). */
  mode?: string;
}

/** The description of an ImageJ file, or undefined when `text` is not one. */
export function parseImageJDescription(text: string | undefined): ImageJDescription | undefined {
  if (!text?.startsWith('ImageJ=')) return undefined;
  const values = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0) values.set(line.slice(0, eq).trim(), line.slice(eq + 1).trim());
  }
  const count = (key: string): number => {
    const n = Number(values.get(key));
    return Number.isInteger(n) && n > 0 ? n : 1;
  };
  const spacing = Number(values.get('spacing'));
  return {
    images: count('images'),
    channels: count('channels'),
    slices: count('slices'),
    frames: count('frames'),
    ...(values.has('unit') ? { unit: unescapeUnit(values.get('unit') as string) } : {}),
    ...(spacing > 0 ? { spacing } : {}),
    ...(values.has('mode') ? { mode: values.get('mode') } : {}),
  };
}

/** ImageJ escapes the micro sign in units as `\u00B5`. */
function unescapeUnit(unit: string): string {
  return unit.replace(/\\u([0-9a-fA-F]{4})/g, (_, hex: string) =>
    String.fromCharCode(Number.parseInt(hex, 16)),
  );
}

/**
 * The description ImageJ writes for a stack of `channels` x `slices` planes: a hyperstack in
 * composite mode when there are several channels, `unit=micron` when the pixel size is known.
 */
export function formatImageJDescription(opts: {
  channels: number;
  slices?: number;
  hasPixelSize: boolean;
  spacing?: number;
}): string {
  const slices = opts.slices ?? 1;
  const images = opts.channels * slices;
  const lines = [`ImageJ=${IMAGEJ_VERSION}`];
  if (images > 1) lines.push(`images=${images}`);
  if (opts.channels > 1) lines.push(`channels=${opts.channels}`);
  if (slices > 1) lines.push(`slices=${slices}`);
  if (opts.channels > 1 || slices > 1) lines.push('hyperstack=true');
  if (opts.channels > 1) lines.push('mode=composite');
  if (opts.hasPixelSize) lines.push('unit=micron');
  if (opts.spacing !== undefined) lines.push(`spacing=${opts.spacing}`);
  lines.push('loop=false');
  return `${lines.join('\n')}\n`;
}
