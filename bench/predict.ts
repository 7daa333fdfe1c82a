// `npm run bench -- predict [--no-wasm] [--runs N]`: 512x512 overlap-tile prediction with the
// paper U-Net (depth 4, 64 filters, 572 -> 388 tiles, 4 tiles), random He weights (seed 1):
// ours on onnxruntime-node (2 threads) and TF.js wasm, against PyTorch CPU (2 threads) with the
// same weights, tiling and image, in the same run; then both again with the automatic tile
// (chooseTileSize: one 700 tile). Best of N runs. Writes bench/results/predict.json.
// --backend webgpu: the WebGPU bench instead (bench/_webgpuPredict.ts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  type BackendInfo,
  buildOnnxModel,
  createOnnxPredictor,
  createTfPredictor,
  createUNet,
  inferenceTileSize,
  initBackend,
  OnnxPredictor,
  PAPER_UNET,
  type Predictor,
  predictImage,
  readImage,
  type UNet,
} from '../src/engine/index';
import { benchRoot, maxAbsDiff, torchEnv, writeResults } from './_common';
import { webgpuPredictBench } from './_webgpuPredict';

const root = benchRoot;
const argv = process.argv.slice(2);
const runs = Number(argv[argv.indexOf('--runs') + 1]) || 2;
const withWasm = !argv.includes('--no-wasm');
const THREADS = 2;
const TILE = 572;
const WASM_LIMIT_S = 180;

/** The first ISBI 2012 training image, normalised by its own mean/std (random if absent). */
async function benchImage(): Promise<{ data: Float32Array; width: number; height: number; source: string }> {
  const path = join(root, '..', 'shared', 'data', 'isbi2012', 'train', 'images', '0.png');
  if (!existsSync(path)) {
    const data = Float32Array.from({ length: 512 * 512 }, (_, i) => Math.sin(i * 0.01) + Math.cos(i * 0.37));
    return { data, width: 512, height: 512, source: 'synthetic 512x512' };
  }
  const img = await readImage(path);
  const data = Float32Array.from(
    { length: img.width * img.height },
    (_, i) => img.data[i * img.channels] / 255,
  );
  const mean = data.reduce((a, b) => a + b, 0) / data.length;
  const std = Math.sqrt(data.reduce((a, b) => a + (b - mean) ** 2, 0) / data.length) || 1;
  for (let i = 0; i < data.length; i++) data[i] = (data[i] - mean) / std;
  return { data, width: img.width, height: img.height, source: 'isbi2012/train/images/0.png' };
}

async function timeRuns(
  predictor: Predictor,
  image: { data: Float32Array; width: number; height: number },
  count: number,
): Promise<{ seconds: number; times: number[]; logits: Float32Array; tiles: number }> {
  const times: number[] = [];
  let last: Awaited<ReturnType<typeof predictImage>> | undefined;
  for (let r = 0; r < count; r++) {
    const start = performance.now();
    last = await predictImage(image.data, image.width, image.height, 1, predictor);
    times.push((performance.now() - start) / 1000);
  }
  const result = last as Awaited<ReturnType<typeof predictImage>>;
  return {
    // Best of the runs: the least disturbed by other processes sharing this machine.
    seconds: Math.min(...times),
    times,
    logits: result.logits,
    tiles: result.tiles,
  };
}

/** PyTorch with the same weights and image; returns its timing and logits (HWC). */
async function runTorch(
  unet: UNet,
  image: { data: Float32Array; width: number; height: number },
  tile: number,
): Promise<{ seconds: number; times_s: number[]; tiles: number; torch: string; logits: Float32Array }> {
  const dir = await mkdtemp(join(tmpdir(), 'bench-predict-'));
  try {
    const specs: { name: string; shape: number[]; offset: number }[] = [];
    const weights = unet.getWeights();
    const total = [...weights.values()].reduce((a, w) => a + w.data.length, 0);
    const flat = new Float32Array(total);
    let offset = 0;
    for (const [name, w] of weights) {
      flat.set(w.data, offset);
      specs.push({ name, shape: w.shape, offset });
      offset += w.data.length;
    }
    await writeFile(join(dir, 'weights.f32'), new Uint8Array(flat.buffer));
    await writeFile(join(dir, 'weights.json'), JSON.stringify({ file: 'weights.f32', weights: specs }));
    await writeFile(join(dir, 'image.f32'), new Uint8Array(image.data.buffer.slice(0)));
    const args = [
      join(root, 'bench', 'reference', 'torch_unet.py'),
      'predict',
      ...['--tile', String(tile), '--width', String(image.width), '--height', String(image.height)],
      ...['--image', join(dir, 'image.f32'), '--weights', join(dir, 'weights.json')],
      ...['--out', join(dir, 'logits.f32'), '--runs', String(runs), '--threads', String(THREADS)],
    ];
    const proc = spawnSync('/usr/bin/python3', args, {
      env: torchEnv(),
      encoding: 'utf8',
      maxBuffer: 1 << 24,
    });
    if (proc.status !== 0) throw new Error(`PyTorch reference failed: ${proc.stderr}`);
    const result = JSON.parse(proc.stdout.trim().split('\n').at(-1) ?? '{}') as {
      seconds: number;
      times_s: number[];
      tiles: number;
      torch: string;
    };
    // [classes, H, W] -> HWC
    const { readFile } = await import('node:fs/promises');
    const raw = await readFile(join(dir, 'logits.f32'));
    const chw = new Float32Array(raw.buffer, raw.byteOffset, raw.length / 4);
    const plane = image.width * image.height;
    const logits = new Float32Array(chw.length);
    for (let c = 0; c < 2; c++) for (let p = 0; p < plane; p++) logits[p * 2 + c] = chw[c * plane + p];
    return { ...result, seconds: Math.min(...result.times_s), logits };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

type Row = {
  backend: string;
  tiling: string;
  seconds: number;
  times: number[];
  torchSeconds: number;
  maxAbsDiffVsTorch?: number;
  note?: string;
};

async function main(): Promise<void> {
  if (argv.includes('--backend') && argv[argv.indexOf('--backend') + 1] === 'webgpu') {
    return webgpuPredictBench(runs);
  }
  let tfInfo: BackendInfo | undefined;
  if (withWasm) tfInfo = await initBackend({ prefer: 'wasm', threads: THREADS }).catch(() => undefined);
  const image = await benchImage();
  const unet = createUNet(PAPER_UNET, TILE, 1);
  console.log(
    `paper U-Net: ${unet.countParams()} parameters, tile ${TILE} -> ${unet.outputSize}; image ${image.source}`,
  );

  // Paper-size check on onnxruntime: a 572 input gives a 388 output.
  const check = await OnnxPredictor.create(buildOnnxModel(unet), {
    executionProviders: ['cpu'],
    threads: THREADS,
  });
  const { dims } = await check.run(new Float32Array(TILE * TILE), 1, 1, TILE, TILE);
  await check.dispose();
  console.log(`onnx paper-size check: 1x1x${TILE}x${TILE} -> ${dims.join('x')}`);

  const autoTile = inferenceTileSize(PAPER_UNET, TILE, image.width, image.height);
  const onnx = await createOnnxPredictor(unet, {
    executionProviders: ['cpu'],
    threads: THREADS,
  });
  await onnx.runTile(new Float32Array(TILE * TILE)); // warm-up
  const ours = await timeRuns(onnx, image, runs);
  const onnxAuto = onnx.withInputSize(autoTile);
  const oursAuto = await timeRuns(onnxAuto, image, runs);
  await onnx.dispose();
  const torch = await runTorch(unet, image, TILE);
  const torchAuto = await runTorch(unet, image, autoTile);

  const paperTiling = `${ours.tiles} x ${TILE}`;
  const autoTiling = `${oursAuto.tiles} x ${autoTile}`;
  const torchName = `PyTorch ${torch.torch} CPU, ${THREADS} threads`;
  const rows: Row[] = [
    {
      backend: `ours: ${onnx.backend}`,
      tiling: paperTiling,
      seconds: ours.seconds,
      times: ours.times,
      torchSeconds: torch.seconds,
      maxAbsDiffVsTorch: maxAbsDiff(ours.logits, torch.logits),
    },
  ];
  if (tfInfo) {
    const tfPredictor = createTfPredictor(unet, `TensorFlow.js ${tfInfo.description}`);
    const tileStart = performance.now();
    await tfPredictor.runTile(new Float32Array(TILE * TILE));
    const tileSeconds = (performance.now() - tileStart) / 1000;
    const row = { backend: `ours: ${tfPredictor.backend}`, tiling: paperTiling, torchSeconds: torch.seconds };
    if (tileSeconds * ours.tiles < WASM_LIMIT_S) {
      const wasm = await timeRuns(tfPredictor, image, 1);
      rows.push({
        ...row,
        seconds: wasm.seconds,
        times: wasm.times,
        maxAbsDiffVsTorch: maxAbsDiff(wasm.logits, torch.logits),
      });
    } else {
      const note = `estimated from one tile (${tileSeconds.toFixed(1)} s)`;
      rows.push({ ...row, seconds: tileSeconds * ours.tiles, times: [], note });
    }
  }
  rows.push({
    backend: torchName,
    tiling: paperTiling,
    seconds: torch.seconds,
    times: torch.times_s,
    torchSeconds: torch.seconds,
  });
  rows.push({
    backend: `ours: ${onnx.backend}, auto tile`,
    tiling: autoTiling,
    seconds: oursAuto.seconds,
    times: oursAuto.times,
    torchSeconds: torchAuto.seconds,
    maxAbsDiffVsTorch: maxAbsDiff(oursAuto.logits, torch.logits),
  });
  rows.push({
    backend: torchName,
    tiling: autoTiling,
    seconds: torchAuto.seconds,
    times: torchAuto.times_s,
    torchSeconds: torchAuto.seconds,
  });
  unet.dispose();

  console.log(
    `\n512x512 overlap-tile prediction, best of ${runs} run(s) (wasm: 1 run); ratio vs PyTorch at the same tiling`,
  );
  console.log('| backend | tiles | seconds | ratio vs PyTorch | max abs logit diff vs PyTorch 4 x 572 |');
  console.log('| --- | --- | --- | --- | --- |');
  for (const row of rows) {
    const diff = row.maxAbsDiffVsTorch === undefined ? '' : row.maxAbsDiffVsTorch.toExponential(2);
    const seconds = `${row.seconds.toFixed(2)}${row.note ? ` (${row.note})` : ''}`;
    console.log(
      `| ${row.backend} | ${row.tiling} | ${seconds} | ${(row.seconds / row.torchSeconds).toFixed(2)} | ${diff} |`,
    );
  }
  const summary = {
    model: 'paper U-Net, depth 4, 64 filters, random He weights (seed 1)',
    image: `${image.source} (${image.width}x${image.height})`,
    tile: TILE,
    outputTile: 388,
    autoTile,
    onnxPaperSizeCheck: dims,
    threads: THREADS,
    rows: rows.map((r) => ({ ...r, ratioVsTorch: r.seconds / r.torchSeconds })),
  };
  console.log(`\nwrote ${writeResults('predict', summary)}`);
  // The threaded wasm backend's workers keep Node alive.
  if (tfInfo?.keepsProcessAlive) process.exit(0);
}

await main();
