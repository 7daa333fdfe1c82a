import * as tf from '@tensorflow/tfjs';

/**
 * Gradient kernels for tfjs-backend-wasm 4.22.0, built only from the backend's own fast kernels
 * (XNNPACK convolution and fully-connected matmul, which use the thread pool) plus memory moves.
 *  - Conv2DBackpropFilter is missing in the wasm backend (training a conv net fails without it).
 *  - Conv2DBackpropInput exists but is a naive single-threaded C++ loop; it is also what
 *    tf.conv2dTranspose (the U-Net up-convolution) runs forward. Replaced for stride 1 and for
 *    stride == kernel without padding; anything else falls back to the original.
 * Every intermediate is freed with backend.disposeData (tests check the backend's tensor count).
 */

type KernelBackend = tf.KernelBackend & {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  /** BackendWasm: allocates an output tensor in the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  /** BackendWasm: a typed-array view of a tensor's heap memory. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
};
type TensorInfo = tf.TensorInfo;
type Attrs = Record<string, unknown>;

const WASM = 'wasm';

/** Runs another wasm kernel by name; `inputs` is a name map (or, for Concat, an array). */
function run(
  backend: KernelBackend,
  name: string,
  inputs: Record<string, TensorInfo> | TensorInfo[],
  attrs: Attrs = {},
): TensorInfo {
  const kernel = tf.getKernel(name, WASM);
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as TensorInfo;
}

class Scope {
  private readonly owned: TensorInfo[] = [];
  constructor(readonly backend: KernelBackend) {}
  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
    const out = run(this.backend, name, inputs, attrs);
    this.owned.push(out);
    return out;
  }
  reshape(x: TensorInfo, shape: number[]): TensorInfo {
    return this.run('Reshape', { x }, { shape });
  }
  /** Takes ownership of a tensor made outside `run` (freed on close). */
  adopt(t: TensorInfo): void {
    this.owned.push(t);
  }
  /** Frees `tensors` now (to keep the peak low inside loops). */
  release(...tensors: TensorInfo[]): void {
    for (const t of tensors) {
      const index = this.owned.indexOf(t);
      if (index >= 0) this.owned.splice(index, 1);
      this.backend.disposeData(t.dataId);
    }
  }
  /** Frees everything this scope made except `keep`. */
  close(keep?: TensorInfo): void {
    for (const t of this.owned) if (t !== keep) this.backend.disposeData(t.dataId);
  }
}

type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

function convInfoOf(xShape: number[], filterShape: number[], attrs: Attrs): ConvInfo {
  return tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as 'valid' | 'same' | number,
    attrs.dimRoundingMode as 'floor' | 'round' | 'ceil' | undefined,
    false,
    'channelsLast',
  );
}

/**
 * dW[ky, kx, c, co] = sum_{n,y,x} X[n, y*s + ky, x*s + kx, c] * dy[n, y, x, co].
 * Only the backend's fast kernels do the work: Transpose and PadV2 (C++ memory moves) and
 * BatchMatMul without transposes, which the backend runs on XNNPACK's threaded fully-connected
 * path. Its JS Slice/StridedSlice and naive transposed matmuls are avoided (several times slower).
 */
const conv2dBackpropFilter: tf.KernelFunc = (args) => {
  const backend = args.backend as KernelBackend;
  const { x, dy } = args.inputs as { x: TensorInfo; dy: TensorInfo };
  const attrs = (args.attrs ?? {}) as Attrs;
  if (attrs.dataFormat === 'NCHW') throw new Error('wasm Conv2DBackpropFilter supports NHWC only');
  const filterShape = attrs.filterShape as number[];
  const info = convInfoOf(x.shape, filterShape, attrs);
  const { top, bottom, left, right } = info.padInfo;
  const scope = new Scope(backend);
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
function filterGradStride1(scope: Scope, padded: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
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
  return run(scope.backend, 'Reshape', { x: swapped }, { shape: [fh, fw, c, co] });
}

/** Stride == kernel, no padding (U-Net 2x2/2 up-conv): the taps tile X, one transpose + one matmul. */
function filterGradNonOverlapping(
  scope: Scope,
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
  return run(scope.backend, 'Reshape', { x: product }, { shape: [fh, fw, c, co] });
}

/** Any other stride: strided windows of channel-major X, one matmul per tap (rare; not in the U-Net). */
function filterGradStrided(scope: Scope, padded: TensorInfo, dy: TensorInfo, info: ConvInfo): TensorInfo {
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
  return run(
    scope.backend,
    'Reshape',
    { x: stacked },
    { shape: [info.filterHeight, info.filterWidth, c, co] },
  );
}

/** Builds the Conv2DBackpropInput replacement around the backend's original kernel. */
function makeConv2dBackpropInput(original: tf.KernelConfig): tf.KernelFunc {
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
    const scope = new Scope(backend);
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
      const result = run(
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
      const result = run(backend, 'Reshape', { x: shuffled }, { shape: [n, ih, iw, c] });
      scope.close();
      return result;
    }
    return original.kernelFunc(args);
  };
}

let registered = false;

/**
 * Registers the wasm Conv2DBackpropFilter and the faster Conv2DBackpropInput (idempotent).
 * Safe before or after tf.setBackend('wasm'): the original kernel's setupFunc is kept.
 */
export function registerWasmGradientKernels(): void {
  if (registered) return;
  const originalInput = tf.getKernel('Conv2DBackpropInput', WASM);
  if (!originalInput) throw new Error('tfjs-backend-wasm is not loaded (no Conv2DBackpropInput kernel)');
  if (tf.getKernel('Conv2DBackpropFilter', WASM)) tf.unregisterKernel('Conv2DBackpropFilter', WASM);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropFilter',
    backendName: WASM,
    kernelFunc: conv2dBackpropFilter,
  });
  tf.unregisterKernel('Conv2DBackpropInput', WASM);
  tf.registerKernel({
    kernelName: 'Conv2DBackpropInput',
    backendName: WASM,
    setupFunc: originalInput.setupFunc,
    kernelFunc: makeConv2dBackpropInput(originalInput),
  });
  registered = true;
}
