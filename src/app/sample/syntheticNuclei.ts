import seedrandom from 'seedrandom';

/** One synthetic fluorescence image of nuclei with its ground truth. */
export interface NucleiImage {
  width: number;
  height: number;
  /** 8-bit gray, row-major. */
  image: Uint8Array;
  /** Object ids (0 = background, 1..count = nuclei), row-major. */
  instances: Uint16Array;
  count: number;
}

interface Nucleus {
  x: number;
  y: number;
  /** Semi-axes (px) and orientation (radians). */
  a: number;
  b: number;
  angle: number;
  brightness: number;
  phase: number;
}

/**
 * A deterministic stand-in for a DAPI-stained field (same seed, same pixels): elliptical nuclei
 * of 9-16 px radius, some touching, with their own brightness, a chromatin texture and a soft
 * 1.5 px rim, on a dim, unevenly lit background with camera noise (sd ~6). Ground truth: a
 * pixel belongs to the nucleus whose ellipse holds it (the nearest in ellipse units where two
 * overlap), so the truth is exact, not drawn by hand.
 */
export function syntheticNuclei(seed: string, width = 256, height = 256, target = 16): NucleiImage {
  const rng = seedrandom(`synthetic-nuclei:${seed}`);
  const nuclei: Nucleus[] = [];
  for (let attempt = 0; attempt < 400 && nuclei.length < target; attempt++) {
    const a = 10 + 6 * rng();
    const n: Nucleus = {
      x: 12 + rng() * (width - 24),
      y: 12 + rng() * (height - 24),
      a,
      b: a * (0.65 + 0.3 * rng()),
      angle: rng() * Math.PI,
      brightness: 130 + 90 * rng(),
      phase: rng() * 2 * Math.PI,
    };
    // Some touch, few overlap much: centres at least 0.85 of the sum of the long semi-axes apart.
    if (nuclei.every((m) => Math.hypot(m.x - n.x, m.y - n.y) > 0.85 * (m.a + n.a))) nuclei.push(n);
  }
  const image = new Uint8Array(width * height);
  const instances = new Uint16Array(width * height);
  const light = [rng(), rng()].map((p) => p * 2 * Math.PI);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      let value = 18 + 10 * Math.sin(x / 70 + light[0]) * Math.cos(y / 90 + light[1]);
      let nearest = Number.POSITIVE_INFINITY;
      for (const [k, n] of nuclei.entries()) {
        const r = ellipseRadius(n, x + 0.5, y + 0.5);
        if (r < 1 && r < nearest) {
          nearest = r;
          instances[i] = k + 1;
        }
        // Soft rim: full brightness inside, falling to 0 over ~1.5 px outside the ellipse.
        const rimPx = (r - 1) * n.b;
        if (rimPx < 2) {
          const edge = rimPx <= -1 ? 1 : Math.max(0, (2 - rimPx) / 3);
          const texture = 1 + 0.12 * Math.sin(x * 0.55 + n.phase) * Math.sin(y * 0.47 - n.phase);
          value = Math.max(value, 18 + n.brightness * edge * texture);
        }
      }
      value += (rng() + rng() + rng() + rng() - 2) * 10.4;
      image[i] = Math.max(0, Math.min(255, Math.round(value)));
    }
  }
  return { width, height, image, instances, count: nuclei.length };
}

/** Ellipse units of a point: < 1 inside the nucleus, 1 on its outline. */
function ellipseRadius(n: Nucleus, px: number, py: number): number {
  const dx = px - n.x;
  const dy = py - n.y;
  const c = Math.cos(n.angle);
  const s = Math.sin(n.angle);
  const u = (dx * c + dy * s) / n.a;
  const v = (-dx * s + dy * c) / n.b;
  return Math.sqrt(u * u + v * v);
}
