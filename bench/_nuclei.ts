// Synthetic nuclei for the quality bench: touching, overlapping elliptical nuclei of a range of
// sizes in several imaging styles (fluorescence 8- and 16-bit, inverted brightfield, colour
// stains on bright backgrounds), all saved as RGB PNGs with 16-bit instance label PNGs.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { writePng } from '../src/engine/index';

/** How an image looks; the mix mimics a set gathered from several microscopes. */
export type NucleiStyle = 'fluorescence' | 'fluorescence16' | 'brightfield' | 'stain';
const STYLES: NucleiStyle[] = ['fluorescence', 'fluorescence16', 'brightfield', 'stain'];

export interface NucleiImage {
  width: number;
  height: number;
  style: NucleiStyle;
  /** RGB, 8- or 16-bit samples. */
  rgb: Uint8Array | Uint16Array;
  bitDepth: 8 | 16;
  /** 0 = background, 1.. = nucleus ids. */
  instances: Uint16Array;
  nuclei: number;
}

interface Nucleus {
  cx: number;
  cy: number;
  /** Semi-axes (px) and orientation. */
  a: number;
  b: number;
  theta: number;
  /** Brightness 0..1 of the stain. */
  level: number;
}

/**
 * One deterministic image, built like a real field of nuclei: a size per image (radius 4 to 14
 * px, so 8 to 28 px across), a coverage of 10-35% of the field, and about 60% of the nuclei set
 * down against a neighbour so clumps of two to many form. Neighbours touch or overlap slightly
 * (centres at least 0.8 of the sum of their radii apart; a nucleus never hides another). Where
 * two overlap, a pixel belongs to the nucleus whose ellipse-normalised distance is smaller,
 * which gives touching objects a shared border, as in hand-drawn instance labels.
 * Intensity: per-nucleus stain level, brighter towards the centre (chromatin, a rounded
 * nucleus), so touching nuclei meet in a shallow valley, mottled texture, a blurred edge,
 * uneven illumination and noise; brightfield and stain images are dark nuclei on a bright
 * background.
 */
export function syntheticNuclei(seed: string, index: number, size = 256): NucleiImage {
  const rng = seedrandom(`nuclei:${seed}:${index}`);
  const width = size;
  const height = size;
  const style = STYLES[index % STYLES.length]!;
  const scale = 4 + 10 * rng();
  const coverage = 0.1 + 0.25 * rng();
  const nuclei: Nucleus[] = [];
  let area = 0;
  for (let attempt = 0; attempt < 5000 && area < coverage * width * height; attempt++) {
    const a = scale * (0.8 + 0.4 * rng());
    const b = a * (0.65 + 0.35 * rng());
    const r = (a + b) / 2;
    let cx: number;
    let cy: number;
    if (nuclei.length > 0 && rng() < 0.6) {
      const next = nuclei[Math.floor(rng() * nuclei.length)]!;
      const angle = rng() * 2 * Math.PI;
      const reach = ((next.a + next.b) / 2 + r) * (0.85 + 0.15 * rng());
      cx = next.cx + Math.cos(angle) * reach;
      cy = next.cy + Math.sin(angle) * reach;
    } else {
      cx = rng() * width;
      cy = rng() * height;
    }
    if (cx < -r / 2 || cy < -r / 2 || cx > width + r / 2 || cy > height + r / 2) continue;
    const crowded = nuclei.some((q) => Math.hypot(q.cx - cx, q.cy - cy) < 0.8 * ((q.a + q.b) / 2 + r));
    if (crowded) continue;
    nuclei.push({ cx, cy, a, b, theta: rng() * Math.PI, level: 0.45 + 0.55 * rng() });
    area += Math.PI * a * b;
  }
  const best = new Float32Array(width * height).fill(1);
  const instances = new Uint16Array(width * height);
  nuclei.forEach((q, k) => {
    const cos = Math.cos(q.theta);
    const sin = Math.sin(q.theta);
    const reach = Math.ceil(q.a) + 1;
    for (let y = Math.max(0, Math.floor(q.cy - reach)); y <= Math.min(height - 1, q.cy + reach); y++) {
      for (let x = Math.max(0, Math.floor(q.cx - reach)); x <= Math.min(width - 1, q.cx + reach); x++) {
        const dx = x - q.cx;
        const dy = y - q.cy;
        const u = (dx * cos + dy * sin) / q.a;
        const v = (-dx * sin + dy * cos) / q.b;
        const d = u * u + v * v;
        const i = y * width + x;
        if (d < best[i]) {
          best[i] = d;
          instances[i] = k + 1;
        }
      }
    }
  });
  // Drop ids that lost every pixel (nuclei cut off at the edge), renumber 1..n.
  const remap = new Uint16Array(nuclei.length + 1);
  let next = 0;
  for (const id of instances) if (id > 0 && remap[id] === 0) remap[id] = ++next;
  const signal = new Float32Array(width * height);
  for (let i = 0; i < instances.length; i++) {
    const id = instances[i];
    instances[i] = remap[id];
    if (id === 0) continue;
    const texture = 0.88 + 0.12 * Math.sin(i * 0.37 + id) * Math.cos(i * 0.011 * id);
    signal[i] = nuclei[id - 1]!.level * (1 - 0.35 * Math.sqrt(best[i])) * texture;
  }
  blur(signal, width, height);
  const gx = rng() - 0.5;
  const gy = rng() - 0.5;
  const noise = () => (rng() + rng() + rng() - 1.5) * 0.08;
  const colour = styleColours(style, rng);
  const bitDepth: 8 | 16 = style === 'fluorescence16' ? 16 : 8;
  const full = bitDepth === 16 ? 4095 : 255;
  const rgb = bitDepth === 16 ? new Uint16Array(width * height * 3) : new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const light = 1 + 0.25 * (gx * (x / width - 0.5) + gy * (y / height - 0.5));
      for (let c = 0; c < 3; c++) {
        const value = (colour.background[c] + (colour.nucleus[c] - colour.background[c]) * signal[i]) * light;
        rgb[i * 3 + c] = Math.round(Math.min(1, Math.max(0, value + noise())) * full);
      }
    }
  }
  return { width, height, style, rgb, bitDepth, instances, nuclei: next };
}

function styleColours(
  style: NucleiStyle,
  rng: () => number,
): { background: [number, number, number]; nucleus: [number, number, number] } {
  switch (style) {
    case 'fluorescence':
    case 'fluorescence16': {
      // Gray, or one dye (DAPI blue) on a dark background; 16-bit cameras use little of the range.
      const dim = 0.05 + 0.05 * rng();
      const bright = 0.5 + 0.4 * rng();
      return rng() < 0.5
        ? { background: [dim, dim, dim], nucleus: [bright, bright, bright] }
        : { background: [0.02, 0.02, dim], nucleus: [0.1, 0.15, bright] };
    }
    case 'brightfield': {
      const bg = 0.75 + 0.15 * rng();
      return { background: [bg, bg, bg], nucleus: [bg - 0.45, bg - 0.45, bg - 0.4] };
    }
    case 'stain':
      // Haematoxylin-like purple nuclei on pink eosin.
      return { background: [0.93, 0.75, 0.85], nucleus: [0.35, 0.2, 0.55] };
  }
}

/** Two passes of a 3x3 box blur (soft edges, in place). */
function blur(data: Float32Array, width: number, height: number): void {
  const tmp = new Float32Array(data.length);
  for (let pass = 0; pass < 2; pass++) {
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let sum = 0;
        let n = 0;
        for (let dy = -1; dy <= 1; dy++) {
          for (let dx = -1; dx <= 1; dx++) {
            const yy = y + dy;
            const xx = x + dx;
            if (yy < 0 || xx < 0 || yy >= height || xx >= width) continue;
            sum += data[yy * width + xx];
            n++;
          }
        }
        tmp[y * width + x] = sum / n;
      }
    }
    data.set(tmp);
  }
}

/** Writes `count` images as images/nNN.png (RGB) + labels/nNN.png (16-bit ids) under `dir`. */
export async function writeNucleiSet(
  dir: string,
  seed: string,
  first: number,
  count: number,
): Promise<{ images: string; labels: string; names: string[] }> {
  const images = join(dir, 'images');
  const labels = join(dir, 'labels');
  await mkdir(images, { recursive: true });
  await mkdir(labels, { recursive: true });
  const names: string[] = [];
  for (let k = first; k < first + count; k++) {
    const img = syntheticNuclei(seed, k);
    const name = `n${String(k).padStart(3, '0')}`;
    names.push(name);
    const { width, height } = img;
    await writePng(join(images, `${name}.png`), {
      width,
      height,
      channels: 3,
      bitDepth: img.bitDepth,
      data: img.rgb,
    });
    await writePng(join(labels, `${name}.png`), {
      width,
      height,
      channels: 1,
      bitDepth: 16,
      data: img.instances,
    });
  }
  return { images, labels, names };
}
