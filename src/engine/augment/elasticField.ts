/** A dense displacement field in pixels: output pixel (x, y) reads the input at (x+dx, y+dy). */
export interface DisplacementField {
  dx: Float32Array;
  dy: Float32Array;
}

/** Keys' cubic convolution kernel with a = -0.5 (Catmull-Rom): interpolating, sums to 1. */
export function cubicKernel(t: number): number {
  const a = -0.5;
  const x = Math.abs(t);
  if (x <= 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return ((a * x - 5 * a) * x + 8 * a) * x - 4 * a;
  return 0;
}

/** For each of `length` output positions, 4 grid indices (clamped) and their cubic weights. */
function taps(length: number, gridSize: number): { index: Int32Array; weight: Float64Array } {
  const index = new Int32Array(length * 4);
  const weight = new Float64Array(length * 4);
  const scale = length > 1 && gridSize > 1 ? (gridSize - 1) / (length - 1) : 0;
  for (let p = 0; p < length; p++) {
    const g = p * scale;
    const g0 = Math.floor(g);
    const f = g - g0;
    for (let k = 0; k < 4; k++) {
      index[p * 4 + k] = Math.min(gridSize - 1, Math.max(0, g0 - 1 + k));
      weight[p * 4 + k] = cubicKernel(f + 1 - k);
    }
  }
  return { index, weight };
}

/**
 * Per-pixel displacements by bicubic (Catmull-Rom) interpolation of displacement vectors on a
 * coarse gridSize x gridSize grid whose nodes span the image corner to corner (U-Net: 3x3 grid).
 * `gridDx`/`gridDy` hold gridSize*gridSize values, row-major, in pixels; grid indices beyond
 * the edge are clamped. At the nodes the field equals the grid values exactly.
 */
export function elasticField(
  width: number,
  height: number,
  gridSize: number,
  gridDx: ArrayLike<number>,
  gridDy: ArrayLike<number>,
): DisplacementField {
  const tx = taps(width, gridSize);
  const ty = taps(height, gridSize);
  const out: DisplacementField = {
    dx: new Float32Array(width * height),
    dy: new Float32Array(width * height),
  };
  const targets: Array<[ArrayLike<number>, Float32Array]> = [
    [gridDx, out.dx],
    [gridDy, out.dy],
  ];
  const rows = new Float64Array(gridSize * width);
  for (const [grid, field] of targets) {
    // Interpolate along x on every grid row, then along y for every output row.
    for (let j = 0; j < gridSize; j++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += tx.weight[x * 4 + k] * grid[j * gridSize + tx.index[x * 4 + k]];
        rows[j * width + x] = s;
      }
    }
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        let s = 0;
        for (let k = 0; k < 4; k++) s += ty.weight[y * 4 + k] * rows[ty.index[y * 4 + k] * width + x];
        field[y * width + x] = s;
      }
    }
  }
  return out;
}
