import * as tf from '@tensorflow/tfjs';
import { describe, expect, it } from 'vitest';
import { isInstalled } from '../../../test/support/tfjsBackends';
import { initBackend } from './initBackend';

const NODE_PACKAGES = ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node'];

/** A loader on which the tfjs-node packages are absent, as where npm dropped them. */
const absent = async (specifier: string): Promise<never> => {
  throw Object.assign(new Error(`Cannot find package '${specifier}' imported from initBackend.ts`), {
    code: 'ERR_MODULE_NOT_FOUND',
  });
};

/** A loader on which they are installed but their native addon is missing (failed download). */
const broken = async (specifier: string): Promise<never> => {
  throw new Error(`The specified module could not be found: ${specifier}/lib/napi-v8/tfjs_binding.node`);
};

/** A machine without a GPU: WebGPU finds no adapter. */
const noGpu = async () => ({ skipped: 'no WebGPU adapter (this test plays a machine without a GPU)' });

// tfjs-node(-gpu) are optional dependencies: installed on some machines, absent on others, and
// some machines have a GPU. The loader and the WebGPU start are injected to pin each case; one
// test per package checks what this machine really has.
describe('initBackend', () => {
  it('refuses a named backend that is not installed, saying so', async () => {
    await expect(initBackend({ prefer: 'tensorflow-gpu', importOptional: absent })).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringMatching(/tfjs-node-gpu is not installed/),
    });
    await expect(initBackend({ prefer: 'tensorflow', importOptional: absent })).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringMatching(/tfjs-node is not installed/),
    });
  });

  it('refuses a named backend that is installed but cannot load, with the fix', async () => {
    await expect(initBackend({ prefer: 'tensorflow', importOptional: broken })).rejects.toMatchObject({
      code: 'backend_unavailable',
      message: expect.stringMatching(
        /tfjs-node is installed but its native addon is missing .*npm rebuild @tensorflow\/tfjs-node/,
      ),
    });
  });

  it.each(NODE_PACKAGES)(
    'on this machine, %s is used when it resolves and reported missing when not',
    async (pkg) => {
      const prefer = pkg.endsWith('-gpu') ? 'tensorflow-gpu' : 'tensorflow';
      const attempt = initBackend({ prefer });
      if (!isInstalled(pkg)) {
        await expect(attempt).rejects.toMatchObject({
          message: expect.stringContaining(`${pkg} is not installed`),
        });
        return;
      }
      // Installed: it either starts (and runs tensors) or says why it could not; never "not installed".
      const outcome = await attempt.then(
        (info) => ({ info }),
        (error: unknown) => ({ error: error as Error }),
      );
      if ('info' in outcome) {
        expect(outcome.info).toMatchObject({ name: prefer, tfBackend: 'tensorflow' });
        expect(tf.getBackend()).toBe('tensorflow');
        expect(Array.from(tf.tidy(() => tf.add(tf.ones([2]), 1).dataSync()))).toEqual([2, 2]);
      } else {
        expect(outcome.error).toMatchObject({ code: 'backend_unavailable' });
        expect(outcome.error.message).toMatch(/is installed but|loaded but/);
      }
    },
  );

  it('starts the cpu backend with a loud slowness warning', async () => {
    const info = await initBackend({ prefer: 'cpu' });
    expect(info).toMatchObject({ name: 'cpu', tfBackend: 'cpu' });
    expect(tf.getBackend()).toBe('cpu');
    expect(info.warnings.join(' ')).toMatch(/hundreds of times slower/);
  });

  it('auto passes over broken tfjs-node packages with a warning each, onto wasm', async () => {
    const info = await initBackend({ threads: 1, importOptional: broken, startWebGpu: noGpu });
    expect(info.name).toBe('wasm');
    expect(info.warnings).toHaveLength(2);
    expect(info.warnings[0]).toMatch(
      /^@tensorflow\/tfjs-node-gpu is installed but its native addon is missing/,
    );
    expect(info.warnings[1]).toMatch(/^@tensorflow\/tfjs-node is installed but its native addon is missing/);
  });

  it('auto falls back to wasm (single-threaded build for 1 thread) and can train there', async () => {
    const info = await initBackend({ threads: 1, importOptional: absent, startWebGpu: noGpu });
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
