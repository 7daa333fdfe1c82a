/**
 * Draws the app icon (resources/icon.png, 1024x1024 RGBA): a rounded dark tile with a cell and
 * its nucleus, outlined like a segmentation mask. Run: node --import tsx scripts/make-icon.ts
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { encode } from 'fast-png';

const size = 1024;
const data = new Uint8Array(size * size * 4);
const radius = 180;

function inRoundedSquare(x: number, y: number): boolean {
  const cx = Math.min(Math.max(x, radius), size - radius);
  const cy = Math.min(Math.max(y, radius), size - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

for (let y = 0; y < size; y++) {
  for (let x = 0; x < size; x++) {
    const i = (y * size + x) * 4;
    if (!inRoundedSquare(x + 0.5, y + 0.5)) continue;
    // Background: dark blue-grey gradient.
    let r = 22 + (y / size) * 18;
    let g = 30 + (y / size) * 22;
    let b = 48 + (y / size) * 30;
    // A cell: an ellipse; its border band drawn as a mask outline.
    const ex = (x - 512) / 330;
    const ey = (y - 540) / 270;
    const e = Math.sqrt(ex * ex + ey * ey);
    if (e < 1) {
      r = 60;
      g = 170;
      b = 150;
    }
    if (e >= 0.93 && e < 1.0) {
      r = 250;
      g = 210;
      b = 80;
    }
    // Nucleus.
    const nx = (x - 470) / 120;
    const ny = (y - 500) / 100;
    if (nx * nx + ny * ny < 1) {
      r = 30;
      g = 90;
      b = 120;
    }
    data[i] = r;
    data[i + 1] = g;
    data[i + 2] = b;
    data[i + 3] = 255;
  }
}

writeFileSync(
  join(import.meta.dirname, '..', 'resources', 'icon.png'),
  encode({ width: size, height: size, data, channels: 4 }),
);
