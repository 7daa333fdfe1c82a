import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { maxAbsDiff } from '../../../test/support/maxAbsDiff';
import { createUNet, type UNet } from '../model/index';
import type { UNetConfig } from '../model/types';
import { createOnnxPredictor } from './createOnnxPredictor';
import { mirrorPad } from './mirrorPad';
import { createTfPredictor } from './Predictor';
import { predictImage } from './predictImage';

const depth2: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 2, classes: 3, dropout: 0 };
const depth3: UNetConfig = { depth: 3, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };

function testImage(width: number, height: number, channels: number): Float32Array {
  return Float32Array.from(
    { length: width * height * channels },
    (_, i) => Math.sin(i * 0.37) + Math.cos(i * 0.011),
  );
}

/**
 * Independent reference: one pass over the whole image, mirror-padded by the border on the
 * top/left and enough on the bottom/right to reach a square legal size `size`, cropped back.
 * Logits HWC of width x height.
 */
function wholeImagePass(
  unet: UNet,
  image: Float32Array,
  width: number,
  height: number,
  size: number,
): Float32Array {
  const { inputChannels: channels, classes } = unet.config;
  const border = (unet.inputSize - unet.outputSize) / 2;
  const padded = mirrorPad(image, width, height, channels, {
    left: border,
    top: border,
    right: size - width - border,
    bottom: size - height - border,
  });
  const whole = unet.withInputSize(size);
  try {
    const out = tf.tidy(() => whole.apply(tf.tensor4d(padded.data, [1, size, size, channels]), false));
    const data = out.dataSync() as Float32Array;
    out.dispose();
    const outSize = whole.outputSize;
    const cropped = new Float32Array(width * height * classes);
    for (let y = 0; y < height; y++) {
      cropped.set(data.subarray(y * outSize * classes, (y * outSize + width) * classes), y * width * classes);
    }
    return cropped;
  } finally {
    whole.dispose();
  }
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('predictImage', () => {
  const nets: UNet[] = [];
  afterAll(() => {
    for (const net of nets) net.dispose();
  });

  it.each([
    // [config, tile, width, height, whole-pass size (legal, covers the padded image)]
    [depth2, 60, 37, 53, 100],
    [depth2, 60, 101, 67, 160],
    [depth2, 48, 5, 3, 48],
    [depth3, 124, 101, 67, 220], // out 36, stride 32: output tiles overlap by 4 px
  ] as const)('stitched tiles equal one whole-image pass (%#)', async (config, tile, width, height, size) => {
    const unet = createUNet(config, tile, 7);
    nets.push(unet);
    const image = testImage(width, height, config.inputChannels);
    const expected = wholeImagePass(unet, image, width, height, size);
    const before = tf.memory().numTensors;
    const progress: number[] = [];
    const predictor = createTfPredictor(unet);
    const result = await predictImage(image, width, height, config.inputChannels, predictor, {
      batch: 3,
      onProgress: (done) => progress.push(done),
    });
    await predictor.dispose();
    expect(tf.memory().numTensors).toBe(before);
    expect(maxAbsDiff(result.logits, expected)).toBeLessThan(1e-4);
    expect(progress.at(-1)).toBe(result.tiles);
    // Probabilities: softmax of the logits, summing to 1; classes = arg-max.
    const k = config.classes;
    for (const p of [0, Math.floor((width * height) / 2), width * height - 1]) {
      const logits = Array.from(expected.subarray(p * k, p * k + k));
      const exps = logits.map((v) => Math.exp(v));
      const sum = exps.reduce((a, b) => a + b, 0);
      for (let c = 0; c < k; c++) expect(result.probabilities[p * k + c]).toBeCloseTo(exps[c] / sum, 5);
      expect(result.classes[p]).toBe(logits.indexOf(Math.max(...logits)));
    }
  });

  it('gives the same stitched output on onnxruntime as on TF.js within 1e-4', async () => {
    const unet = createUNet(depth2, 52, 11);
    nets.push(unet);
    const image = testImage(41, 29, 2);
    const tfResult = await predictImage(image, 41, 29, 2, createTfPredictor(unet));
    const onnx = await createOnnxPredictor(unet, {
      executionProviders: ['cpu'],
      threads: 1,
    });
    expect(onnx.backend).toBe('onnxruntime-node (cpu, 1 thread)');
    const onnxResult = await predictImage(image, 41, 29, 2, onnx, { batch: 4 });
    await onnx.dispose();
    expect(maxAbsDiff(onnxResult.logits, tfResult.logits)).toBeLessThan(1e-4);
  });

  it('rejects a channel mismatch and stops when cancelled', async () => {
    const unet = createUNet(depth2, 44, 3);
    nets.push(unet);
    const predictor = createTfPredictor(unet);
    await expect(predictImage(testImage(9, 9, 1), 9, 9, 1, predictor)).rejects.toMatchObject({
      code: 'incompatible_model',
    });
    const controller = new AbortController();
    controller.abort();
    await expect(
      predictImage(testImage(9, 9, 2), 9, 9, 2, predictor, { signal: controller.signal }),
    ).rejects.toMatchObject({ code: 'cancelled' });
  });
});
