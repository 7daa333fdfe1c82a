import type * as tf from '@tensorflow/tfjs';
import {
  type Attrs,
  convInfoOf,
  type KernelBackend,
  runWasmKernel,
  type TensorInfo,
  WasmKernelScope,
} from './wasmKernelScope';

/** Builds the Conv2DBackpropInput replacement around the backend's original kernel. */
export function makeConv2dBackpropInputWasm(original: tf.KernelConfig): tf.KernelFunc {
  return (args) => {
    const backend = args.backend as KernelBackend;
    const { dy, filter } = args.inputs as { dy: TensorInfo; filter: TensorInfo };
    const attrs = (args.attrs ?? {}) as Attrs;
    const inputShape = attrs.inputShape as number[];
    if (attrs.dataFormat === 'NCHW') return original.kernelFunc(args);
    const info = convInfoOf(inputShape, filter.shape, attrs);
    const {
      batchSize: n,
      inHeight: ih,
      inWidth: iw,
      inChannels: c,
      outChannels: co,
      outHeight: oh,
      outWidth: ow,
    } = info;
    const [fh, fw, sh, sw] = [info.filterHeight, info.filterWidth, info.strideHeight, info.strideWidth];
    const { top, left } = info.padInfo;
    const scope = new WasmKernelScope(backend);
    if (sh === 1 && sw === 1 && info.dilationHeight === 1 && info.dilationWidth === 1) {
      // Full correlation of dy with the 180-degree rotated filter, in/out channels swapped:
      // dx[y, x, c] = sum dy[y - ky + top, x - kx + left, co] * W[ky, kx, c, co].
      const padTop = fh - 1 - top;
      const padLeft = fw - 1 - left;
      const paddings = [
        [0, 0],
        [padTop, ih + fh - 1 - oh - padTop],
        [padLeft, iw + fw - 1 - ow - padLeft],
        [0, 0],
      ];
      if (paddings.flat().some((v) => v < 0)) return original.kernelFunc(args);
      const padded = scope.run('PadV2', { x: dy }, { paddings, constantValue: 0 });
      // Rotating the taps by 180 degrees reverses the FH*FW tap axis: a matmul with the
      // anti-identity (exact: one 1 per row), which is far faster than the backend's Reverse.
      const taps = fh * fw;
      const antiIdentity = backend.makeOutput([1, taps, taps], 'float32');
      scope.adopt(antiIdentity);
      const values = backend.typedArrayFromHeap(antiIdentity);
      values.fill(0);
      for (let t = 0; t < taps; t++) values[t * taps + (taps - 1 - t)] = 1;
      const flat = scope.reshape(filter, [1, taps, c * co]);
      const reversed = scope.run(
        'BatchMatMul',
        { a: antiIdentity, b: flat },
        { transposeA: false, transposeB: false },
      );
      const flipped = scope.run(
        'Transpose',
        { x: scope.reshape(reversed, [fh, fw, c, co]) },
        { perm: [0, 1, 3, 2] },
      );
      const result = runWasmKernel(
        backend,
        'Conv2D',
        { x: padded, filter: flipped },
        {
          strides: 1,
          pad: 'valid',
          dataFormat: 'NHWC',
          dilations: 1,
        },
      );
      scope.close();
      return result;
    }
    if (sh === fh && sw === fw && top === 0 && left === 0 && ih === oh * fh && iw === ow * fw) {
      // Non-overlapping taps (the U-Net 2x2/2 up-convolution): one matmul then a reshuffle.
      // dx[n, oy*FH + ky, ox*FW + kx, c] = sum_co dy[n, oy, ox, co] * W[ky, kx, c, co].
      const a = scope.reshape(dy, [1, n * oh * ow, co]);
      const wt = scope.run('Transpose', { x: filter }, { perm: [3, 0, 1, 2] }); // [CO, FH, FW, C]
      const b = scope.reshape(wt, [1, co, fh * fw * c]);
      const product = scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
      const taps = scope.reshape(product, [n * oh, ow, fh, fw, c]);
      const shuffled = scope.run('Transpose', { x: taps }, { perm: [0, 2, 1, 3, 4] }); // [N*OH, FH, OW, FW, C]
      const result = runWasmKernel(backend, 'Reshape', { x: shuffled }, { shape: [n, ih, iw, c] });
      scope.close();
      return result;
    }
    return original.kernelFunc(args);
  };
}
