// `npm run bench -- weightmap [--images 20] [--size 512] [--cells 100] [--repeat 3] [--python python3]`
// U-Net weight maps (w0 = 10, sigma = 5) of synthetic touching cells (bench/_synthetic.ts):
//   - the engine in-process (computeWeightMap, src/engine/weightmap), fastest of --repeat;
//   - the whole CLI as a user runs it: `node bin/unet-studio.mjs weightmap <16-bit PNGs>
//     --out-dir D` (start, decode, compute, write .npy), fastest of --repeat processes;
// against numpy/scipy (bench/reference/weightmap_ref.py): the main row is the WINDOWED
// reference (each object's distance transform only in its bounding box grown by the cut-off,
// as a careful scipy user writes it); the naive one (a whole-image transform per object) is a
// second row. Reports wall and CPU ms, ratios to the windowed reference's compute time, and
// the max abs difference of every map against it. Writes bench/results/weightmap.json.
// Targets: in-process >= 3x faster than windowed scipy; the whole CLI no slower than windowed
// scipy's compute alone; max abs diff < 1e-3.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { currentBundle } from '../bin/cliBundle.mjs';
import { computeWeightMap, readNpy, writeNpy, writePng } from '../src/engine/index';
import { benchRoot, printTable, writeResults } from './_common';
import { syntheticCells } from './_synthetic';

const { values } = parseArgs({
  options: {
    images: { type: 'string', default: '20' },
    size: { type: 'string', default: '512' },
    cells: { type: 'string', default: '100' },
    repeat: { type: 'string', default: '3' },
    python: { type: 'string', default: process.env.PYTHON ?? 'python3' },
  },
});
const count = Number(values.images);
const size = Number(values.size);
const repeat = Math.max(1, Number(values.repeat));

/** One way of computing the maps: total wall and CPU ms over all images, and its maps. */
interface Run {
  method: string;
  wallMs: number;
  cpuMs: number | null;
  maps: Map<string, Float32Array>;
}

const cpuNow = () => {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
};

function reference(method: 'windowed' | 'naive', inputs: string[], dir: string): Run {
  const out = join(dir, method);
  const script = join(benchRoot, 'bench', 'reference', 'weightmap_ref.py');
  const args = [script, out, ...inputs, '--method', method, '--repeat', String(repeat)];
  const run = spawnSync(values.python, args, { encoding: 'utf8', maxBuffer: 1 << 24 });
  if (run.status !== 0)
    throw new Error(`reference ${method} failed (${values.python}): ${run.stderr || run.error}`);
  const { images } = JSON.parse(run.stdout) as { images: { name: string; ms: number; cpu_ms: number }[] };
  return {
    method: `scipy ${method}`,
    wallMs: images.reduce((s, i) => s + i.ms, 0),
    cpuMs: images.reduce((s, i) => s + i.cpu_ms, 0),
    maps: new Map(),
  };
}

async function readMaps(dir: string, names: string[]): Promise<Map<string, Float32Array>> {
  const maps = new Map<string, Float32Array>();
  for (const name of names) maps.set(name, (await readNpy(join(dir, `${name}.npy`))).data as Float32Array);
  return maps;
}

function maxAbsDiff(a: Map<string, Float32Array>, b: Map<string, Float32Array>): number {
  let max = 0;
  for (const [name, x] of a) {
    const y = b.get(name)!;
    for (let i = 0; i < x.length; i++) max = Math.max(max, Math.abs(x[i] - y[i]));
  }
  return max;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unet-weightmap-bench-'));
  try {
    const images = Array.from({ length: count }, (_, i) => ({
      name: `cells${String(i).padStart(2, '0')}`,
      ...syntheticCells(i, { width: size, height: size, cells: Number(values.cells) }),
    }));
    mkdirSync(join(dir, 'png'));
    const npyInputs: string[] = [];
    for (const img of images) {
      const path = join(dir, `${img.name}.npy`);
      await writeNpy(path, { shape: [img.height, img.width], data: img.instances });
      npyInputs.push(path);
      const png = { width: img.width, height: img.height, channels: 1 as const, bitDepth: 16 as const };
      await writePng(join(dir, 'png', `${img.name}.png`), { ...png, data: img.instances });
    }
    const names = images.map((i) => i.name);

    const windowed = reference('windowed', npyInputs, dir);
    windowed.maps = await readMaps(join(dir, 'windowed'), names);
    const naive = reference('naive', npyInputs, dir);
    naive.maps = await readMaps(join(dir, 'naive'), names);

    // In-process: each image's fastest of `repeat`, after one warm-up (JIT).
    computeWeightMap(images[0].instances, size, size);
    const engine: Run = { method: 'engine in-process', wallMs: 0, cpuMs: 0, maps: new Map() };
    for (const img of images) {
      let wall = Number.POSITIVE_INFINITY;
      let cpu = Number.POSITIVE_INFINITY;
      for (let r = 0; r < repeat; r++) {
        const [w, c] = [performance.now(), cpuNow()];
        engine.maps.set(img.name, computeWeightMap(img.instances, img.width, img.height).weights);
        wall = Math.min(wall, performance.now() - w);
        cpu = Math.min(cpu, cpuNow() - c);
      }
      engine.wallMs += wall;
      engine.cpuMs = (engine.cpuMs ?? 0) + cpu;
    }

    // The whole CLI, as a separate process each time (its own start-up included).
    const bundled = currentBundle(new URL('../out/cli/', import.meta.url), new URL('../', import.meta.url));
    const cli: Run = {
      method: 'whole CLI (20 PNGs -> .npy)',
      wallMs: Number.POSITIVE_INFINITY,
      cpuMs: null,
      maps: new Map(),
    };
    const pngs = names.map((n) => join(dir, 'png', `${n}.png`));
    for (let r = 0; r < repeat; r++) {
      const out = join(dir, `cli${r}`);
      const start = performance.now();
      const run = spawnSync(process.execPath, [
        join(benchRoot, 'bin', 'unet-studio.mjs'),
        'weightmap',
        ...pngs,
        '--out-dir',
        out,
      ]);
      const ms = performance.now() - start;
      if (run.status !== 0) throw new Error(`unet-studio weightmap failed: ${run.stderr}`);
      cli.wallMs = Math.min(cli.wallMs, ms);
      if (r === 0) cli.maps = await readMaps(out, names);
    }
    cli.method = count === 20 ? cli.method : `whole CLI (${count} PNGs -> .npy)`;

    const runs = [windowed, naive, engine, cli];
    const rows = runs.map((r) => ({
      method: r.method,
      'total ms': r.wallMs,
      'ms/image': r.wallMs / count,
      'CPU ms/image': r.cpuMs === null ? null : r.cpuMs / count,
      'x faster than windowed': windowed.wallMs / r.wallMs,
      'CPU x': r.cpuMs === null || windowed.cpuMs === null ? null : windowed.cpuMs / r.cpuMs,
      'max abs diff': (r === windowed
        ? maxAbsDiff(windowed.maps, naive.maps)
        : maxAbsDiff(r.maps, windowed.maps)
      ).toExponential(1),
    }));
    console.log(
      `weight maps of ${count} synthetic ${size}x${size} images (~${values.cells} touching cells), w0 = 10, sigma = 5 px; ` +
        `fastest of ${repeat}; ${cpus()[0]?.model ?? 'cpu'}; CLI from ${bundled ? 'the out/cli bundle' : 'tsx (no current bundle)'}`,
    );
    console.log('(max abs diff: against the windowed reference; on its own row, windowed against naive)');
    printTable(rows);
    const inProcess = windowed.wallMs / engine.wallMs;
    const wholeCli = windowed.wallMs / cli.wallMs;
    const diff = Math.max(...rows.map((r) => Number(r['max abs diff'])));
    const targets = {
      inProcess: { want: '>= 3x faster than windowed scipy', ratio: inProcess, met: inProcess >= 3 },
      wholeCli: { want: 'no slower than windowed scipy compute', ratio: wholeCli, met: wholeCli >= 1 },
      maxAbsDiff: { want: '< 1e-3', value: diff, met: diff < 1e-3 },
    };
    for (const [name, t] of Object.entries(targets))
      console.log(`${name}: ${t.want}: ${t.met ? 'met' : 'MISSED'}`);
    const path = writeResults('weightmap', {
      cpu: cpus()[0]?.model,
      params: { images: count, size, cells: Number(values.cells), w0: 10, sigma: 5, repeat },
      cliFromBundle: bundled !== null,
      rows,
      targets,
    });
    console.log(`wrote ${path}`);
    if (!targets.maxAbsDiff.met) process.exitCode = 1;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
