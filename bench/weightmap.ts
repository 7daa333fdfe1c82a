// `npm run bench -- weightmap [--images 20] [--size 512] [--cells 100] [--repeat 1]`
// Our weight map (src/engine/weightmap) against the textbook numpy/scipy reference
// (bench/reference/weightmap_ref.py: one whole-image EDT per object) on synthetic touching
// cells. Prints per-image times (fastest of --repeat runs, both sides), their ratio and the
// max abs difference of the maps; writes bench/results/weightmap.json. Targets: >= 20x faster, max abs diff < 1e-3.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { computeWeightMap, readNpy, writeNpy } from '../src/engine/index';
import { syntheticCells } from './_synthetic';

interface Row {
  image: string;
  cells: number;
  oursMs: number;
  referenceMs: number;
  ratio: number;
  maxAbsDiff: number;
}

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '20' },
    size: { type: 'string', default: '512' },
    cells: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '1' },
    python: { type: 'string', default: process.env.PYTHON ?? 'python3' },
  },
});
const count = Number(values.images);
const size = Number(values.size);
const cellsPerImage = Number(values.cells);
const repeat = Math.max(1, Number(values.repeat));

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unet-weightmap-bench-'));
  try {
    const images = Array.from({ length: count }, (_, i) => ({
      name: `cells${String(i).padStart(2, '0')}.npy`,
      ...syntheticCells(i, { width: size, height: size, cells: cellsPerImage }),
    }));
    const inputs: string[] = [];
    for (const img of images) {
      const path = join(dir, img.name);
      await writeNpy(path, { shape: [img.height, img.width], data: img.instances });
      inputs.push(path);
    }
    const refDir = join(dir, 'reference');
    const script = join(root, 'bench', 'reference', 'weightmap_ref.py');
    const ref = spawnSync(
      values.python,
      [script, refDir, ...inputs, '--w0', '10', '--sigma', '5', '--repeat', String(repeat)],
      {
        encoding: 'utf8',
        maxBuffer: 1 << 24,
      },
    );
    if (ref.status !== 0) throw new Error(`reference failed (${values.python}): ${ref.stderr || ref.error}`);
    const refTimes = (JSON.parse(ref.stdout) as { images: Array<{ name: string; ms: number }> }).images;

    computeWeightMap(images[0].instances, size, size); // warm-up (JIT)
    const rows: Row[] = [];
    for (const [i, img] of images.entries()) {
      let oursMs = Number.POSITIVE_INFINITY;
      let weights: Float32Array = new Float32Array(0);
      for (let r = 0; r < repeat; r++) {
        const start = performance.now();
        weights = computeWeightMap(img.instances, img.width, img.height).weights;
        oursMs = Math.min(oursMs, performance.now() - start);
      }
      const expected = (await readNpy(join(refDir, img.name))).data;
      let maxAbsDiff = 0;
      for (let p = 0; p < weights.length; p++)
        maxAbsDiff = Math.max(maxAbsDiff, Math.abs(weights[p] - expected[p]));
      const referenceMs = refTimes[i].ms;
      rows.push({
        image: img.name,
        cells: img.cellCount,
        oursMs,
        referenceMs,
        ratio: referenceMs / oursMs,
        maxAbsDiff,
      });
    }
    const oursTotal = rows.reduce((s, r) => s + r.oursMs, 0);
    const referenceTotal = rows.reduce((s, r) => s + r.referenceMs, 0);
    const total = {
      image: 'total',
      cells: rows.reduce((s, r) => s + r.cells, 0),
      oursMs: oursTotal,
      referenceMs: referenceTotal,
      ratio: referenceTotal / oursTotal,
      maxAbsDiff: Math.max(...rows.map((r) => r.maxAbsDiff)),
    };
    const fmt = (r: Row) =>
      `| ${r.image.padEnd(11)} | ${String(r.cells).padStart(5)} | ${r.oursMs.toFixed(1).padStart(8)} | ${r.referenceMs.toFixed(1).padStart(9)} | ${r.ratio.toFixed(1).padStart(6)} | ${r.maxAbsDiff.toExponential(2).padStart(9)} |`;
    console.log(
      `weight map, ${count} synthetic ${size}x${size} images, w0 = 10, sigma = 5 px, fastest of ${repeat} run(s) (${cpus()[0]?.model ?? 'cpu'})`,
    );
    console.log('| image       | cells | ours ms  | ref ms    | ratio  | max diff  |');
    console.log('| ----------- | ----- | -------- | --------- | ------ | --------- |');
    for (const r of rows) console.log(fmt(r));
    console.log(fmt(total));
    const speedOk = total.ratio >= 20;
    const diffOk = total.maxAbsDiff < 1e-3;
    console.log(
      `target >= 20x: ${speedOk ? 'met' : 'MISSED'}; max abs diff < 1e-3: ${diffOk ? 'met' : 'MISSED'}`,
    );
    const out = join(root, 'bench', 'results');
    mkdirSync(out, { recursive: true });
    writeFileSync(
      join(out, 'weightmap.json'),
      `${JSON.stringify(
        {
          bench: 'weightmap',
          date: new Date().toISOString(),
          cpu: cpus()[0]?.model,
          node: process.version,
          params: { images: count, size, cells: cellsPerImage, w0: 10, sigma: 5, repeat },
          rows,
          total,
          targets: { speedup: 20, maxAbsDiff: 1e-3, speedOk, diffOk },
        },
        null,
        2,
      )}\n`,
    );
    if (!diffOk) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
