import type * as tf from '@tensorflow/tfjs';
import {
  type Attrs,
  type ConvInfo,
  convInfoOf,
  type KernelBackend,
  runWasmKernel,
  type TensorInfo,
  WasmKernelScope,
} from './wasmKernelScope';

/**
 * dW[ky, kx, c, co] = sum_{n,y,x} X[n, y*s + ky, x*s + kx, c] * dy[n, y, x, co].
 * Only the backend's fast kernels do the work: Transpose and PadV2 (C++ memory moves) and
 * BatchMatMul without transposes, which the backend runs on XNNPACK's threaded fully-connected
 * path. Its JS Slice/StridedSlice and naive transposed matmuls are avoided (several times slower).
 */
export const conv2dBackpropFilterWasm: tf.KernelFunc = (args) => {
  const backend = args.backend as KernelBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const filterShape = attrs.filterShape as number[];
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { top, bottom, left, right } = info.padInfo;
  const scope = new WasmKernelScope(backend);
  const padded =
    top || bottom || left || right
      ? scope.run(
          'PadV2',
          { x },
          {
            paddings: [
              [0, 0],
              [top, bottom],
              [left, right],
              [0, 0],
            ],
            constantValue: 0,
          },
        )
      : x;
  let result: TensorInfo;
  if (info.strideHeight === 1 && info.strideWidth === 1) {
    result = filterGradStride1(scope, padded, dy, info);
  } else if (
    info.strideHeight === info.filterHeight &&
    info.strideWidth === info.filterWidth &&
    padded.shape[1] === info.outHeight * info.filterHeight &&
    padded.shape[2] === info.outWidth * info.filterWidth
  ) {
    result = filterGradNonOverlapping(scope, padded, dy, info);
  } else {
    result = filterGradStrided(scope, padded, dy, info);
  }
  scope.close(result);
  return result;
};

/**
 * Stride 1. Shifting X by the tap offset ky*W + kx in the row-flattened position axis is the
 * same as shifting dy the other way, and a shifted dy is one PadV2 of dy laid out on the full
 * W-wide grid (its extra columns are zeros, so positions that wrap across rows add nothing).
 * So per tap: dW_tap^T [CO, C] = shift(dy^T) [CO, L] x X [L, C], with X (NHWC, flattened, plus
 * FW-1 zero rows) the same operand for every tap, which XNNPACK packs once, and only dy^T
 * (usually the smaller tensor) moved per tap.
 */
function filterGradStride1(
  scope: WasmKernelScope,
  padded: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
): TensorInfo {
  const {
    batchSize: n,
    inChannels: c,
    outChannels: co,
    outHeight: oh,
    outWidth: ow,
    filterHeight: fh,
    filterWidth: fw,
  } = info;
  const [h, w] = [padded.shape[1]!, padded.shape[2]!];
  const total = n * h * w + (fw - 1);
  const xRows = scope.run(
    'PadV2',
    { x: scope.reshape(padded, [n * h * w, c]) },
    {
      paddings: [
        [0, fw - 1],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const b = scope.reshape(xRows, [1, total, c]);
  // dy on the H x W grid for every sample but the last, which needs only OH rows.
  const wide = scope.run(
    'PadV2',
    { x: dy },
    {
      paddings: [
        [0, 0],
        [0, n > 1 ? h - oh : 0],
        [0, w - ow],
        [0, 0],
      ],
      constantValue: 0,
    },
  );
  const length = n > 1 ? n * h * w - (h - oh) * w : oh * w;
  const dyRows =
    n > 1
      ? scope.run('Slice', { x: scope.reshape(wide, [n * h * w, co]) }, { begin: [0, 0], size: [length, co] })
      : scope.reshape(wide, [length, co]);
  const dyT = scope.run('Transpose', { x: dyRows }, { perm: [1, 0] }); // [CO, L]
  const parts: TensorInfo[] = [];
  for (let ky = 0; ky < fh; ky++) {
    for (let kx = 0; kx < fw; kx++) {
      const offset = ky * w + kx;
      const shifted = scope.run(
        'PadV2',
        { x: dyT },
        {
          paddings: [
            [0, 0],
            [offset, total - offset - length],
          ],
          constantValue: 0,
        },
      );
      const a = scope.reshape(shifted, [1, co, total]);
      parts.push(scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }));
      scope.release(a, shifted);
    }
  }
  const stacked = parts.length === 1 ? parts[0]! : scope.run('Concat', parts, { axis: 0 }); // [FH*FW, CO, C]
  const swapped = scope.run(
    'Transpose',
    { x: scope.reshape(stacked, [fh * fw, co, c]) },
    { perm: [0, 2, 1] },
  );
  return runWasmKernel(scope.backend, 'Reshape', { x: swapped }, { shape: [fh, fw, c, co] });
}

/** Stride == kernel, no padding (U-Net 2x2/2 up-conv): the taps tile X, one transpose + one matmul. */
function filterGradNonOverlapping(
  scope: WasmKernelScope,
  padded: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
): TensorInfo {
  const {
    batchSize: n,
    inChannels: c,
    outChannels: co,
    outHeight: oh,
    outWidth: ow,
    filterHeight: fh,
    filterWidth: fw,
  } = info;
  const tiles = scope.reshape(padded, [n * oh, fh, ow, fw, c]);
  const taps = scope.run('Transpose', { x: tiles }, { perm: [1, 3, 4, 0, 2] }); // [FH, FW, C, N*OH, OW]
  const a = scope.reshape(taps, [1, fh * fw * c, n * oh * ow]);
  const b = scope.reshape(dy, [1, n * oh * ow, co]);
  const product = scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false });
  return runWasmKernel(scope.backend, 'Reshape', { x: product }, { shape: [fh, fw, c, co] });
}

/** Any other stride: strided windows of channel-major X, one matmul per tap (rare; not in the U-Net). */
function filterGradStrided(
  scope: WasmKernelScope,
  padded: TensorInfo,
  dy: TensorInfo,
  info: ConvInfo,
): TensorInfo {
  const {
    batchSize: n,
    inChannels: c,
    outChannels: co,
    outHeight: oh,
    outWidth: ow,
    strideHeight: sh,
    strideWidth: sw,
  } = info;
  const channelMajor = scope.run('Transpose', { x: padded }, { perm: [3, 0, 1, 2] }); // [C, N, H, W]
  const p = n * oh * ow;
  const b = scope.reshape(dy, [1, p, co]);
  const parts: TensorInfo[] = [];
  for (let ky = 0; ky < info.filterHeight; ky++) {
    for (let kx = 0; kx < info.filterWidth; kx++) {
      const window = scope.run(
        'StridedSlice',
        { x: channelMajor },
        {
          begin: [0, 0, ky, kx],
          end: [c, n, ky + (oh - 1) * sh + 1, kx + (ow - 1) * sw + 1],
          strides: [1, 1, sh, sw],
          beginMask: 0,
          endMask: 0,
          ellipsisMask: 0,
          newAxisMask: 0,
          shrinkAxisMask: 0,
        },
      );
      const a = scope.reshape(window, [1, c, p]);
      parts.push(scope.run('BatchMatMul', { a, b }, { transposeA: false, transposeB: false }));
      scope.release(a, window);
    }
  }
  const stacked = parts.length === 1 ? parts[0]! : scope.run('Concat', parts, { axis: 0 });
  return runWasmKernel(
    scope.backend,
    'Reshape',
    { x: stacked },
    { shape: [info.filterHeight, info.filterWidth, c, co] },
  );
}
