// `npm run bench -- predict --backend webgpu [--runs N]`: seconds per 512x512 image (overlap-tile,
// the automatic tile) for the fast-preset and paper U-Nets (random He weights, seed 1) on
// onnxruntime-node's WebGPU provider against its cpu provider (2 threads) on the same machine,
// naming the adapter; the logits of both must agree within 1e-4. On a software adapter it runs
// the fast U-Net on a 128x128 image for that check only and makes no speed claim.
// Writes bench/results/predict-webgpu.json.
import * as tf from '@tensorflow/tfjs';
import {
  chooseTileSize,
  createOnnxPredictor,
  createUNet,
  type OnnxProviderPreference,
  predictImage,
} from '../src/engine/index';
import { PRESETS } from '../src/engine/model/index';
import type { UNetConfig } from '../src/engine/model/types';
import { printTable, writeResults } from './_common';
import { benchAdapter } from './_webgpuTrain';

interface Timed {
  backend: string;
  seconds: number[];
  logits: Float32Array;
}

async function timePredict(
  config: UNetConfig,
  size: number,
  provider: OnnxProviderPreference,
  runs: number,
): Promise<Timed> {
  const tile = chooseTileSize(size, size, config.depth, 700);
  const unet = createUNet(config, tile, 1);
  const image = Float32Array.from({ length: size * size }, (_, i) => Math.sin(i * 0.01) + Math.cos(i * 0.37));
  const predictor = await createOnnxPredictor(unet, { provider, threads: 2 });
  try {
    const seconds: number[] = [];
    let logits: Float32Array = new Float32Array(0);
    for (let r = 0; r < runs + 1; r++) {
      const start = performance.now();
      const result = await predictImage(image, size, size, 1, predictor);
      // The first run compiles shaders and sizes buffers: a warm-up, not timed.
      if (r > 0 || runs === 0) seconds.push((performance.now() - start) / 1000);
      logits = result.logits;
    }
    return { backend: predictor.backend, seconds, logits };
  } finally {
    await predictor.dispose();
    unet.dispose();
  }
}

function maxAbsDiff(a: Float32Array, b: Float32Array): number {
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return a.length === b.length ? max : Number.POSITIVE_INFINITY;
}

/** The bench: WebGPU against the cpu provider, or a correctness check on a software adapter. */
export async function webgpuPredictBench(runs: number): Promise<void> {
  await tf.setBackend('cpu');
  const adapter = await benchAdapter();
  const models: [string, UNetConfig][] = adapter.isSoftware
    ? [['fast', PRESETS.fast.architecture]]
    : [
        ['fast', PRESETS.fast.architecture],
        ['paper', PRESETS.paper.architecture],
      ];
  const size = adapter.isSoftware ? 128 : 512;
  if (adapter.isSoftware)
    console.log(`software adapter: correctness only (${size}x${size}, no speed figures)`);
  const rows = [];
  const results = [];
  for (const [name, config] of models) {
    const gpu = await timePredict(config, size, 'webgpu', adapter.isSoftware ? 0 : runs);
    const cpu = await timePredict(config, size, 'cpu', adapter.isSoftware ? 0 : runs);
    const diff = maxAbsDiff(gpu.logits, cpu.logits);
    results.push({
      name,
      gpu: { backend: gpu.backend, seconds: gpu.seconds },
      cpu: { backend: cpu.backend, seconds: cpu.seconds },
      diff,
    });
    rows.push({
      model: `${name} (${config.baseFilters} filters)`,
      'WebGPU s/image': adapter.isSoftware ? null : Math.min(...gpu.seconds),
      'cpu s/image': adapter.isSoftware ? null : Math.min(...cpu.seconds),
      'x faster': adapter.isSoftware ? null : Math.min(...cpu.seconds) / Math.min(...gpu.seconds),
      'max |logit diff|': diff.toExponential(2),
    });
  }
  printTable(rows);
  const how = adapter.isSoftware ? 'one run each' : `best of ${runs} after a warm-up`;
  console.log(`(${results[0]?.gpu.backend} against ${results[0]?.cpu.backend}; ${how})`);
  console.log(`\nwrote ${writeResults('predict-webgpu', { adapter, size, runs, results })}`);
  if (results.some((r) => !(r.diff < 1e-4))) {
    console.error('WebGPU logits differ from the cpu provider by more than 1e-4');
    process.exit(1);
  }
}
