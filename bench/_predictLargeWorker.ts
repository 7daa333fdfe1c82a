// Child process of bench/predictLarge.ts: segments one image with one model, either streamed
// (predictLargeImage) or whole (readImage + predict), and prints one JSON line with the time
// and this process's peak RSS, so that the parent's own memory does not count. On stderr: the
// peak RSS of each phase (sampled every 100 ms) and, with TRACE_RSS=1, the RSS after each tile.
import { join } from 'node:path';
import { openModelPredictor, predictLargeImage, readImage } from '../src/engine/index';

const [mode, model, input, outDir] = process.argv.slice(2);
const started = performance.now();
const predictor = await openModelPredictor(model, { backend: 'onnx' });
let tiles = 0;
let tileSize = 0;
let objects: number | undefined;
let lastReport = 0;
// Peak RSS per phase (sampled every 100 ms), to tell where memory goes.
let phase = 'open';
const peaks = new Map<string, number>();
const sampler = setInterval(() => {
  const rss = process.memoryUsage().rss / 2 ** 20;
  peaks.set(phase, Math.max(peaks.get(phase) ?? 0, rss));
}, 100);
try {
  if (mode === 'stream') {
    const result = await predictLargeImage(predictor, {
      input,
      maskPath: join(outDir, 'mask.tif'),
      objectsPath: join(outDir, 'objects.csv'),
      onFirstPass: () => {
        phase = 'percentile pass';
      },
      onTile: (done, total) => {
        phase = done === total ? 'closing' : 'tiles';
        if (process.env.TRACE_RSS)
          process.stderr.write(`t${done}:${(process.memoryUsage().rss / 2 ** 20).toFixed(0)} `);
        if (performance.now() - lastReport < 5000) return;
        lastReport = performance.now();
        const rss = process.memoryUsage().rss / 2 ** 20;
        process.stderr.write(`tile ${done}/${total}, rss ${rss.toFixed(0)} MiB\n`);
      },
    });
    ({ tiles, tileSize } = result);
    objects = result.objectCount;
  } else {
    const result = await predictor.predict(await readImage(input));
    ({ tiles, tileSize } = result);
  }
} finally {
  await predictor.dispose();
  clearInterval(sampler);
}
process.stderr.write(`peak RSS MiB by phase: ${JSON.stringify(Object.fromEntries(peaks))}\n`);
const seconds = (performance.now() - started) / 1000;
// resourceUsage().maxRSS is in kilobytes.
const peakRssMiB = process.resourceUsage().maxRSS / 1024;
process.stdout.write(
  `${JSON.stringify({ seconds, peakRssMiB, tiles, tileSize, objects, backend: predictor.backend })}\n`,
);
process.exit(0);
