// `npx vitest bench --run src/renderer/src/annotation/tools/fillPreview.bench.ts`: how long the
// Fill tool's hover preview takes per pointer move (one computeFillRegion in preview mode plus
// its overlay mask; the browser adds one putImageData), on synthetic images: a cell and the
// background of a 512² and a 2048² image, and a 30000² slide in label and intensity mode (bounded
// by the fill window and PREVIEW_AREA_CAP). Each iteration seeds a new pixel, as a moving
// pointer does (the tool keeps one region per pixel).
import { bench, describe } from 'vitest';
import { AnnotationDoc } from '../AnnotationDoc';
import { regionMask } from './fillPreview';
import { computeFillRegion, type FillSettings } from './fillRegion';

/** Bright discs (radius 20) every 64 px on a dim field, as valueAt over any size (no array). */
function discs(x: number, y: number): number {
  const dx = (x % 64) - 32;
  const dy = (y % 64) - 32;
  return dx * dx + dy * dy <= 400 ? 3000 + ((x * 7 + y * 13) % 50) : 500 + ((x * 5 + y * 3) % 50);
}

const cases: { name: string; size: number; mode: 'label' | 'intensity'; seed: number }[] = [
  { name: '512² cell (intensity)', size: 512, mode: 'intensity', seed: 288 },
  { name: '512² background (intensity)', size: 512, mode: 'intensity', seed: 2 },
  { name: '2048² background (intensity, capped)', size: 2048, mode: 'intensity', seed: 2 },
  { name: '2048² unlabelled (label, capped)', size: 2048, mode: 'label', seed: 1000 },
  { name: '30000² slide cell (intensity)', size: 30000, mode: 'intensity', seed: 15008 },
  { name: '30000² slide background (intensity, capped)', size: 30000, mode: 'intensity', seed: 15040 },
  { name: '30000² slide unlabelled (label, capped)', size: 30000, mode: 'label', seed: 15000 },
];

describe('Fill preview per pointer move', () => {
  for (const c of cases) {
    const doc = new AnnotationDoc(c.size, c.size);
    const s: FillSettings = { doc, fillMode: c.mode, fillTolerance: 200, intensity: { valueAt: discs } };
    let k = 0;
    bench(
      c.name,
      () => {
        k = (k + 1) % 3;
        const region = computeFillRegion(s, c.seed + k, c.seed, { preview: true });
        if (region && !region.truncated) regionMask(region);
      },
      { iterations: 15, time: 0 },
    );
  }
});
