/**
 * Exact Euclidean distance (px, pixel centres) from every pixel where `inside(i)` holds to the
 * nearest pixel of the image where it does not; 0 outside. With no outside pixel at all, the
 * distances are Infinity. Felzenszwalb & Huttenlocher's lower envelope of parabolas, once along
 * the columns and once along the rows: O(pixels).
 */
export function distanceTransform(
  width: number,
  height: number,
  inside: (index: number) => boolean,
): Float32Array {
  const INF = 1e20;
  const squared = new Float64Array(width * height);
  for (let i = 0; i < squared.length; i++) squared[i] = inside(i) ? INF : 0;
  const longest = Math.max(width, height);
  const f = new Float64Array(longest);
  const d = new Float64Array(longest);
  const v = new Int32Array(longest);
  const z = new Float64Array(longest + 1);
  for (let x = 0; x < width; x++) {
    for (let y = 0; y < height; y++) f[y] = squared[y * width + x];
    envelope(f, height, d, v, z);
    for (let y = 0; y < height; y++) squared[y * width + x] = d[y];
  }
  for (let y = 0; y < height; y++) {
    const row = y * width;
    for (let x = 0; x < width; x++) f[x] = squared[row + x];
    envelope(f, width, d, v, z);
    for (let x = 0; x < width; x++) squared[row + x] = d[x];
  }
  const out = new Float32Array(width * height);
  for (let i = 0; i < out.length; i++)
    out[i] = squared[i] >= INF ? Number.POSITIVE_INFINITY : Math.sqrt(squared[i]);
  return out;
}

/** 1-D squared distance transform of samples f[0..n) into d (Felzenszwalb & Huttenlocher 2012). */
function envelope(f: Float64Array, n: number, d: Float64Array, v: Int32Array, z: Float64Array): void {
  let k = 0;
  v[0] = 0;
  z[0] = Number.NEGATIVE_INFINITY;
  z[1] = Number.POSITIVE_INFINITY;
  for (let q = 1; q < n; q++) {
    let s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    while (s <= z[k]) {
      k--;
      s = (f[q] + q * q - (f[v[k]] + v[k] * v[k])) / (2 * q - 2 * v[k]);
    }
    k++;
    v[k] = q;
    z[k] = s;
    z[k + 1] = Number.POSITIVE_INFINITY;
  }
  k = 0;
  for (let q = 0; q < n; q++) {
    while (z[k + 1] < q) k++;
    d[q] = (q - v[k]) * (q - v[k]) + f[v[k]];
  }
}
