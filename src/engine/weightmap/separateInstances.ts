/** True when pixel (x, y) has an 8-neighbour (inside the image) with an object id other than `id`. */
function touchesOther(
  ids: Int32Array,
  width: number,
  height: number,
  x: number,
  y: number,
  id: number,
): boolean {
  for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1); yy++) {
    for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
      const other = ids[yy * width + xx];
      if (other !== 0 && other !== id) return true;
    }
  }
  return false;
}

/**
 * U-Net separation border: an object pixel whose 3x3 neighbourhood holds a different object id
 * becomes background, so touching cells end up split by a thin background gap (two pixels wide
 * where two cells share an edge). The decision reads the ORIGINAL ids only (one pass, not
 * iterated), which is what a morphological min/max filter comparison does.
 *
 * `ids`: one id per pixel, row-major, 0 = not an object. Returns a new Int32Array with the
 * separated ids (border pixels set to 0); `ids` is not modified.
 */
export function separateInstances(ids: Int32Array, width: number, height: number): Int32Array {
  const out = new Int32Array(ids);
  for (let y = 0; y < height; y++) {
    const isEdgeRow = y === 0 || y === height - 1;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = ids[i];
      if (id === 0) continue;
      if (isEdgeRow || x === 0 || x === width - 1) {
        if (touchesOther(ids, width, height, x, y, id)) out[i] = 0;
        continue;
      }
      // Interior fast path: a neighbour differs when it is neither 0 nor `id`.
      const up = i - width;
      const down = i + width;
      const a = ids[up - 1];
      const b = ids[up];
      const c = ids[up + 1];
      const d = ids[i - 1];
      const e = ids[i + 1];
      const f = ids[down - 1];
      const g = ids[down];
      const h = ids[down + 1];
      // Inside an object every neighbour has its id: one branch-free test skips the rest.
      if (((a ^ id) | (b ^ id) | (c ^ id) | (d ^ id) | (e ^ id) | (f ^ id) | (g ^ id) | (h ^ id)) === 0)
        continue;
      if (
        (a !== 0 && a !== id) ||
        (b !== 0 && b !== id) ||
        (c !== 0 && c !== id) ||
        (d !== 0 && d !== id) ||
        (e !== 0 && e !== id) ||
        (f !== 0 && f !== id) ||
        (g !== 0 && g !== id) ||
        (h !== 0 && h !== id)
      ) {
        out[i] = 0;
      }
    }
  }
  return out;
}
