// `npm run bench -- fillPreview [repeats]`: how long the Fill tool's hover preview takes per
// pointer move (one computeFillRegion in preview mode plus its overlay mask), in Node, on
// synthetic images: a cell on a 512² and a 2048² image, their background (past the Shift
// threshold), and a 30000² slide in label and intensity mode (bounded by the fill window and the
// preview cap). The browser adds one canvas putImageData of the mask, not timed here.
import { AnnotationDoc } from '../src/renderer/src/annotation/AnnotationDoc';
import { regionMask } from '../src/renderer/src/annotation/tools/fillPreview';
import { computeFillRegion, type FillSettings } from '../src/renderer/src/annotation/tools/fillRegion';
import { median, percentile, printTable, writeResults } from './_common';

const repeats = Number(process.argv[2] ?? 15);

/** Bright discs (radius 20) every 64 px on a dim field, as valueAt over any size (no array). */
function discs(x: number, y: number): number {
  const dx = (x % 64) - 32;
  const dy = (y % 64) - 32;
  return dx * dx + dy * dy <= 400 ? 3000 + ((x * 7 + y * 13) % 50) : 500 + ((x * 5 + y * 3) % 50);
}

interface Case {
  name: string;
  width: number;
  height: number;
  mode: 'label' | 'intensity';
  seed: [number, number];
}

const cases: Case[] = [
  { name: '512² cell (intensity)', width: 512, height: 512, mode: 'intensity', seed: [288, 288] },
  { name: '512² background (intensity)', width: 512, height: 512, mode: 'intensity', seed: [2, 2] },
  { name: '2048² background (intensity)', width: 2048, height: 2048, mode: 'intensity', seed: [2, 2] },
  { name: '2048² unlabelled (label)', width: 2048, height: 2048, mode: 'label', seed: [1000, 1000] },
  {
    name: '30000² slide cell (intensity)',
    width: 30000,
    height: 30000,
    mode: 'intensity',
    seed: [15008, 15008],
  },
  {
    name: '30000² slide background (intensity)',
    width: 30000,
    height: 30000,
    mode: 'intensity',
    seed: [15040, 15040],
  },
  {
    name: '30000² slide unlabelled (label)',
    width: 30000,
    height: 30000,
    mode: 'label',
    seed: [15000, 15000],
  },
];

const rows = [];
for (const c of cases) {
  const doc = new AnnotationDoc(c.width, c.height);
  const s: FillSettings = { doc, fillMode: c.mode, fillTolerance: 200, intensity: { valueAt: discs } };
  const times: number[] = [];
  let area = 0;
  let truncated = false;
  for (let k = 0; k < repeats; k++) {
    // A new pixel each time, as a moving pointer gives (the tool keeps one region per pixel).
    const t0 = performance.now();
    const region = computeFillRegion(s, c.seed[0] + (k % 3), c.seed[1], { preview: true });
    if (region && !region.truncated) regionMask(region);
    times.push(performance.now() - t0);
    area = region?.area ?? 0;
    truncated = region?.truncated ?? false;
  }
  rows.push({
    case: c.name,
    'area px': area,
    truncated: truncated ? 'yes' : 'no',
    'median ms': Number(median(times).toFixed(1)),
    'p90 ms': Number(percentile(times, 90).toFixed(1)),
  });
}
printTable(rows);
console.log(`results: ${writeResults('fillPreview', { repeats, rows })}`);
