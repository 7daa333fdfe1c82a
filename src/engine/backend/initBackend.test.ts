import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { initBackend } from './initBackend';

// tfjs-node(-gpu) are optional dependencies whose install scripts cannot download libtensorflow
// here, so they are absent: these tests pin the graceful fallback on this machine.
describe('initBackend', () => {
  it('refuses a named backend that is not installed, saying so', async () => {
    await expect(initBackend({ prefer: 'tensorflow-gpu' })).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringMatching(/tfjs-node-gpu is not installed/),
    });
    await expect(initBackend({ prefer: 'tensorflow' })).rejects.toMatchObject({
      code: 'backend_unavailable',
    });
  });

  it('starts the cpu backend with a loud slowness warning', async () => {
    const info = await initBackend({ prefer: 'cpu' });
    expect(info).toMatchObject({ name: 'cpu', tfBackend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(info.warnings.join(' ')).toMatch(/hundreds of times slower/);
  });

  it('auto falls back to wasm (single-threaded build for 1 thread) and can train there', async () => {
    const info = await initBackend({ threads: 1 });
    expect(info).toMatchObject({
      name: 'wasm',
      tfBackend: 'wasm',
      threads: 1,
      memoryLimitBytes: 4 * 1024 ** 3,
    });
    expect(info.warnings).toEqual([]); // absent optional packages are not warnings
    expect(tf.getBackend()).toBe('wasm');
    // Conv2DBackpropFilter exists on wasm only because initBackend registered it.
    const grad = tf.tidy(() => {
      const x = tf.ones([1, 5, 5, 1]) as tf.Tensor4D;
      return tf
        .grad((w: tf.Tensor) => tf.sum(tf.conv2d(x, w as tf.Tensor4D, 1, 'valid')))(tf.ones([3, 3, 1, 1]))
        .dataSync();
    });
    expect(Array.from(grad)).toEqual(new Array(9).fill(9)); // each tap sees 3x3 output pixels of ones
  });
});
