// Region reads from a large tiled BigTIFF: `npm run bench -- tiffRegion [--size 40000] [--file F]`.
// Writes a size x size 16-bit tiled (512 px, deflate) BigTIFF with a 4-level pyramid through
// TiledTiffWriter (or uses --file), then times LazyTiff: open, 1024^2 regions at random places
// (cold cache: 9 tiles each), 512^2 regions inside one tile (cached), a level-2 overview, and
// geotiff's own readRasters (JS inflate, per-sample DataView) on the same regions for comparison.
import { rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import seedrandom from 'seedrandom';
import { LazyTiff, TiledTiffWriter } from '../src/engine/image/index';
import { median, printTable, writeResults } from './_common';

const argValue = (name: string): string | undefined => {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
};
const size = Number(argValue('--size') ?? 40000);
const given = argValue('--file');
const T = 512;
const value = (y: number, x: number) => (y * 3 + x * 7) % 65536;

async function writeTestFile(path: string): Promise<number> {
  const started = performance.now();
  const writer = await TiledTiffWriter.create(path, {
    width: size,
    height: size,
    channels: 1,
    bitDepth: 16,
    tileSize: T,
    levels: 4,
    downsample: 'mean',
  });
  const tile = new Uint16Array(T * T);
  for (let ty = 0; ty < writer.tilesY; ty++) {
    for (let tx = 0; tx < writer.tilesX; tx++) {
      for (let y = 0; y < T; y++) for (let x = 0; x < T; x++) tile[y * T + x] = value(ty * T + y, tx * T + x);
      await writer.writeTile(tx, ty, tile);
    }
    if (ty % 10 === 0) process.stdout.write(`\rwriting tile row ${ty + 1}/${writer.tilesY}`);
  }
  await writer.close();
  process.stdout.write('\n');
  return (performance.now() - started) / 1000;
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

async function main(): Promise<void> {
  const path = given ?? join(tmpdir(), `unet-bench-${size}.tif`);
  const writeSeconds = given ? undefined : await writeTestFile(path);
  const random = seedrandom('tiff-region');
  const places = Array.from({ length: 20 }, () => ({
    x: Math.floor(random() * (size - 1024)),
    y: Math.floor(random() * (size - 1024)),
  }));
  let started = performance.now();
  const tiff = await LazyTiff.open(path);
  const openMs = performance.now() - started;
  const timed = async (read: () => Promise<unknown>): Promise<number> => {
    const t0 = performance.now();
    await read();
    return performance.now() - t0;
  };
  const cold: number[] = [];
  for (const { x, y } of places)
    cold.push(await timed(() => tiff.readRegion({ x, y, width: 1024, height: 1024 })));
  const warm: number[] = [];
  for (const { x, y } of places) {
    const tx = Math.floor(x / T) * T;
    const ty = Math.floor(y / T) * T;
    await tiff.readRegion({ x: tx, y: ty, width: T, height: T });
    warm.push(await timed(() => tiff.readRegion({ x: tx, y: ty, width: T, height: T })));
  }
  const level2 = tiff.levels[Math.min(2, tiff.levels.length - 1)];
  const overview = await timed(() =>
    tiff.readRegion({
      x: 0,
      y: 0,
      width: Math.min(2048, level2.width),
      height: Math.min(2048, level2.height),
      level: Math.min(2, tiff.levels.length - 1),
    }),
  );
  const sample = await tiff.readRegion({ ...places[0], width: 1, height: 1 });
  const correct = given ? undefined : sample.data[0] === value(places[0].y, places[0].x);
  await tiff.close();

  const geotiff = await import('geotiff');
  started = performance.now();
  const file = await geotiff.fromFile(path);
  const image = await file.getImage(0);
  const geotiffOpen = performance.now() - started;
  // geotiff decodes Deflate through the zlib decoder LazyTiff registered; time its assembly.
  const geotiffCold: number[] = [];
  for (const { x, y } of places.slice(0, 5))
    geotiffCold.push(await timed(() => image.readRasters({ window: [x + 7, y + 7, x + 1031, y + 1031] })));
  await Promise.resolve(file.close());

  const rows = [
    { what: 'open (LazyTiff)', ms: openMs },
    { what: '1024^2 region, cold (LazyTiff) p50', ms: median(cold) },
    { what: '1024^2 region, cold (LazyTiff) p95', ms: percentile(cold, 95) },
    { what: '512^2 tile, cached (LazyTiff) p50', ms: median(warm) },
    { what: `level-2 overview ${Math.min(2048, level2.width)}^2 (LazyTiff)`, ms: overview },
    { what: 'open (geotiff)', ms: geotiffOpen },
    { what: '1024^2 region, cold (geotiff readRasters) p50', ms: median(geotiffCold) },
  ];
  console.log(
    `${size}x${size} 16-bit, ${T} px deflate tiles, ${(statSync(path).size / 2 ** 20).toFixed(0)} MiB on disk${writeSeconds ? `, written in ${writeSeconds.toFixed(1)} s` : ''}`,
  );
  printTable(rows);
  if (correct === false) throw new Error('the region read back the wrong values');
  const out = writeResults('tiffRegion', { size, tileSize: T, writeSeconds, rows, correct });
  console.log(`results: ${out}`);
  if (!given) rmSync(path, { force: true });
}

await main();
