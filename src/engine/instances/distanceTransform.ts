/** Squared distance standing for "no outside pixel in this line": larger than any real one. */
const FAR = 1e20;

/**
 * Exact Euclidean distance (px, pixel centres) from every pixel where `inside(i)` holds to the
 * nearest pixel of the image where it does not; 0 outside. With no outside pixel at all, the
 * distances are Infinity. Two passes of the 1-D squared transform (lower envelope of
 * parabolas; Felzenszwalb & Huttenlocher 2012, "Distance transforms of sampled functions"):
 * down the columns, then along the rows.
 */
export function distanceTransform(
  width: number,
  height: number,
  inside: (index: number) => boolean,
): Float32Array {
  const n = width * height;
  const squared = new Float64Array(n);
  for (let i = 0; i < n; i++) squared[i] = inside(i) ? FAR : 0;
  const longest = Math.max(width, height);
  const line = new Float64Array(longest);
  const result = new Float64Array(longest);
  const scratch = { v: new Int32Array(longest), z: new Float64Array(longest + 1) };
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) line[y] = squared[y * width + x];
    squaredLine(line, height, result, scratch);
    for (let y = 0; y < height; y++) squared[y * width + x] = result[y];
  }
  const out = new Float32Array(n);
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) line[x] = squared[row + x];
    squaredLine(line, width, result, scratch);
    for (let x = 0; x < width; x++) {
      out[row + x] = result[x] >= FAR ? Number.POSITIVE_INFINITY : Math.sqrt(result[x]);
    }
  }
  return out;
}

/** out[q] = min over p of (q - p)^2 + f[p], for q < length: the 1-D squared transform. */
function squaredLine(
  f: Float64Array,
  length: number,
  out: Float64Array,
  scratch: { v: Int32Array; z: Float64Array },
): void {
  const { v, z } = scratch;
  // Only finite samples are parabola vertices: a line with none stays FAR everywhere.
  let k = -1;
  for (let q = 0; q < length; q++) {
    if (f[q] >= FAR) continue;
    if (k < 0) {
      k = 0;
      v[0] = q;
      z[0] = Number.NEGATIVE_INFINITY;
      z[1] = Number.POSITIVE_INFINITY;
      continue;
    }
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * (q - v[k]));
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  if (k < 0) {
    out.fill(FAR, 0, length);
    return;
  }
  let j = 0;
  for (let q = 0; q < length; q++) {
    while (z[j + 1] < q) j++;
    const d = q - v[j];
    out[q] = d * d + f[v[j]];
  }
}
