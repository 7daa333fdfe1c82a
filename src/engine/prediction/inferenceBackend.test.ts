import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../../shared/errors';
import { createUNet } from '../model/index';
import type { UNetConfig } from '../model/types';
import { openInferenceBackend } from './inferenceBackend';

const CONFIG: UNetConfig = { depth: 1, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
const load = async () => createUNet(CONFIG, 28, 3);
const unavailable = async (): Promise<never> => {
  throw new AppError('backend_unavailable', 'onnxruntime-node does not load on this machine');
};

beforeAll(async () => {
  await tf.ready();
});

describe('openInferenceBackend: the one choice of where inference runs', () => {
  it('auto runs onnxruntime where it loads', async () => {
    const opened = await openInferenceBackend(load, { threads: 1 });
    expect(opened.predictor.backend).toBe('onnxruntime-node (cpu, 1 thread)');
    expect(opened.note).toBeUndefined();
    expect(opened.keepsProcessAlive).toBe(false);
    await opened.predictor.dispose();
    opened.unet.dispose();
  });

  it('auto falls back to TF.js on the engine backend, saying why; forced onnx refuses instead', async () => {
    const before = tf.memory().numTensors;
    const opened = await openInferenceBackend(load, { threads: 1 }, unavailable);
    expect(opened.predictor.backend).toMatch(/^TensorFlow\.js /);
    expect(opened.note).toBe(
      'onnxruntime unavailable (onnxruntime-node does not load on this machine); using TF.js',
    );
    await opened.predictor.dispose();
    opened.unet.dispose();
    await expect(openInferenceBackend(load, { backend: 'onnx' }, unavailable)).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
    // A bug in the onnx path is not a reason to fall back: it surfaces, and the net is freed.
    const bug = async (): Promise<never> => {
      throw new TypeError('boom');
    };
    await expect(openInferenceBackend(load, {}, bug)).rejects.toThrow('boom');
    expect(tf.memory().numTensors).toBe(before);
  });

  it('forced tfjs never opens onnxruntime', async () => {
    let asked = false;
    const opened = await openInferenceBackend(load, { backend: 'tfjs', threads: 1 }, async () => {
      asked = true;
      return unavailable();
    });
    expect(asked).toBe(false);
    expect(opened.predictor.backend).toMatch(/^TensorFlow\.js /);
    await opened.predictor.dispose();
    opened.unet.dispose();
  });
});
