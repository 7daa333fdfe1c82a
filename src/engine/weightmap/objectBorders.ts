/** Annotation class of an object's border pixels when a run learns object borders. */
export const BORDER_CLASS = 3;

/**
 * The three-class targets of a run that learns object borders, in the annotation form (0
 * unlabelled, 1 background, 2 object interior, 3 object border). An object pixel (class 2) is
 * border when one of its 8 neighbours inside the image is labelled background (class 1) or
 * belongs to another object (another nonzero id in `objects`): a one-pixel outline on every
 * object, two pixels wide where two objects touch. Unlabelled neighbours and the image edge make
 * no border, since what lies beyond them is unknown. Touching objects then differ in the
 * targets themselves (no interior pixel of one touches the other), so a network that learns the
 * border splits them at prediction (instances/predictedObjects).
 *
 * `classes` must hold 0..2 (one foreground class); `objects` the object id per pixel (0 = none).
 * Returns new classes; the arguments are not modified.
 */
export function withObjectBorders(
  classes: Uint8Array,
  objects: Int32Array,
  width: number,
  height: number,
): Uint8Array {
  const out = Uint8Array.from(classes);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const i = y * width + x;
      if (classes[i] !== 2) continue;
      const id = objects[i];
      let border = false;
      for (let yy = Math.max(0, y - 1); yy <= Math.min(height - 1, y + 1) && !border; yy++) {
        for (let xx = Math.max(0, x - 1); xx <= Math.min(width - 1, x + 1); xx++) {
          const j = yy * width + xx;
          const other = objects[j];
          if (classes[j] === 1 || (other !== 0 && id !== 0 && other !== id)) {
            border = true;
            break;
          }
        }
      }
      if (border) out[i] = BORDER_CLASS;
    }
  }
  return out;
}
