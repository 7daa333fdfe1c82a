// Streaming prediction of a whole-slide-sized image: `npm run bench -- predictLarge [--side 30000]
// [--height H] [--reference 2048] [--depth 3] [--filters 8] [--keep]`. Writes a side x side
// (or side x H: a full-width strip, for the memory of a wide slide in less time) 8-bit tiled
// (512 px, deflate) BigTIFF of synthetic cells in a temp folder, row band by row band, and a
// reference x reference one; saves an untrained U-Net of the given size (the time per pixel
// depends on the architecture, not on the weights); then segments the big image streamed
// (predictLargeImage: tiled BigTIFF mask + objects CSV) and the reference whole
// (readImage + predict), each in its own process on onnxruntime, and reports seconds, seconds
// per megapixel and the process's peak RSS (must stay under 3 GiB for the big one).
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  createUNet,
  DEFAULT_PERCENTILE_NORMALIZATION,
  saveModelFolder,
  TiledRowWriter,
  TiledTiffWriter,
} from '../src/engine/index';
import { benchRoot, printTable, writeResults } from './_common';

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const side = Number(argValue('--side') ?? 30000);
const height = Number(argValue('--height') ?? side);
const reference = Number(argValue('--reference') ?? 2048);
const depth = Number(argValue('--depth') ?? 3);
const filters = Number(argValue('--filters') ?? 8);
const GIB3 = 3 * 1024;

/** Gray value at (x, y): bright discs on a 64 px lattice with jittered radii over a noisy ramp. */
function pixel(x: number, y: number): number {
  const cx = Math.floor(x / 64);
  const cy = Math.floor(y / 64);
  const hash = ((cx * 73856093) ^ (cy * 19349663)) >>> 0;
  const r = 10 + (hash % 17);
  const dx = (x % 64) - 32;
  const dy = (y % 64) - 32;
  const noise = ((x * 7919 + y * 104729) >>> 0) % 23;
  return dx * dx + dy * dy < r * r ? 170 + noise * 3 : 30 + ((x + y) >> 10) + noise;
}

async function writeImage(path: string, size: number, rowCount = size): Promise<number> {
  const started = performance.now();
  const writer = await TiledTiffWriter.create(path, {
    width: size,
    height: rowCount,
    channels: 1,
    bitDepth: 8,
  });
  const rows = new TiledRowWriter(writer);
  const band = 256;
  for (let y0 = 0; y0 < rowCount; y0 += band) {
    const h = Math.min(band, rowCount - y0);
    const data = new Uint8Array(size * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < size; x++) data[y * size + x] = pixel(x, y0 + y);
    await rows.writeRows(data, h);
  }
  await rows.close();
  return (performance.now() - started) / 1000;
}

interface RunResult {
  seconds: number;
  peakRssMiB: number;
  tiles: number;
  tileSize: number;
  objects?: number;
  backend: string;
}

function run(mode: 'stream' | 'whole', model: string, input: string, outDir: string): RunResult {
  mkdirSync(outDir, { recursive: true });
  const child = spawnSync(
    process.execPath,
    ['--import', 'tsx', join(benchRoot, 'bench', '_predictLargeWorker.ts'), mode, model, input, outDir],
    { cwd: benchRoot, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 20 },
  );
  if (child.status !== 0) throw new Error(`${mode} run failed (exit ${child.status})`);
  return JSON.parse(child.stdout.trim().split('\n').pop() as string) as RunResult;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'unet-bench-large-'));
  try {
    const architecture = { depth, baseFilters: filters, inputChannels: 1, classes: 2, dropout: 0 };
    const unet = createUNet(architecture, 572, 1);
    await saveModelFolder(join(dir, 'model'), unet, {
      format: 'unet-studio-model',
      version: 1,
      architecture,
      tileSize: 572,
      classes: [
        { name: 'background', color: '#000000' },
        { name: 'cell', color: '#ff0000' },
      ],
      normalization: DEFAULT_PERCENTILE_NORMALIZATION,
      provenance: { createdAt: new Date().toISOString() },
    });
    unet.dispose();
    const big = join(dir, `big-${side}.tif`);
    const small = join(dir, `ref-${reference}.tif`);
    const writeSeconds = await writeImage(big, side, height);
    await writeImage(small, reference);
    console.log(
      `wrote ${side}x${side} (${(statSync(big).size / 2 ** 20).toFixed(0)} MiB) in ${writeSeconds.toFixed(1)} s`,
    );
    const whole = run('whole', join(dir, 'model'), small, join(dir, 'out-ref'));
    const streamed = run('stream', join(dir, 'model'), big, join(dir, 'out-big'));
    const row = (what: string, w: number, h: number, r: RunResult) => ({
      run: what,
      image: `${w}x${h}`,
      tile: r.tileSize,
      tiles: r.tiles,
      seconds: r.seconds,
      'seconds/MP': r.seconds / ((w * h) / 1e6),
      'peak RSS MiB': r.peakRssMiB,
      objects: r.objects ?? null,
    });
    const rows = [
      row('whole image (predict)', reference, reference, whole),
      row('streamed (predictLargeImage)', side, height, streamed),
    ];
    console.log(`model: depth ${depth}, ${filters} base filters, untrained; ${streamed.backend}`);
    printTable(rows);
    const ok = streamed.peakRssMiB < GIB3;
    console.log(`peak RSS of the streamed run ${ok ? 'stays under' : 'EXCEEDS'} 3 GiB`);
    const path = writeResults('predictLarge', {
      side,
      reference,
      depth,
      filters,
      backend: streamed.backend,
      rows,
    });
    console.log(`results: ${path}`);
    if (!ok) process.exitCode = 1;
  } finally {
    if (!process.argv.includes('--keep')) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
