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
    const y0 = y > 0 ? y - 1 : 0;
    const y1 = y < height - 1 ? y + 1 : y;
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      const id = ids[i];
      if (id === 0) continue;
      const x0 = x > 0 ? x - 1 : 0;
      const x1 = x < width - 1 ? x + 1 : x;
      let touches = false;
      for (let yy = y0; yy <= y1 && !touches; yy++) {
        const row = yy * width;
        for (let xx = x0; xx <= x1; xx++) {
          const other = ids[row + xx];
          if (other !== 0 && other !== id) {
            touches = true;
            break;
          }
        }
      }
      if (touches) out[i] = 0;
    }
  }
  return out;
}
