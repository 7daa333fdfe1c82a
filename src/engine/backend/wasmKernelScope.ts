import * as tf from '@tensorflow/tfjs';

/** Plumbing shared by our wasm kernels: calling the backend's own kernels and freeing their outputs. */

/** The BackendWasm methods the kernels use, beyond tf.KernelBackend. */
export type KernelBackend = tf.KernelBackend & {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  /** BackendWasm: allocates an output tensor in the wasm heap. */
  makeOutput(shape: number[], dtype: tf.DataType): TensorInfo;
  /** BackendWasm: a typed-array view of a tensor's heap memory. */
  typedArrayFromHeap(t: TensorInfo): Float32Array;
};
export type TensorInfo = tf.TensorInfo;
export type Attrs = Record<string, unknown>;

/** Runs another wasm kernel by name; `inputs` is a name map (or, for Concat, an array). */
export function runWasmKernel(
  backend: KernelBackend,
  name: string,
  inputs: Record<string, TensorInfo> | TensorInfo[],
  attrs: Attrs = {},
): TensorInfo {
  const kernel = tf.getKernel(name, 'wasm');
  if (!kernel) throw new Error(`wasm kernel ${name} is not registered`);
  return kernel.kernelFunc({
    inputs: inputs as tf.NamedTensorInfoMap,
    backend,
    attrs: attrs as tf.NamedAttrMap,
  }) as TensorInfo;
}

/**
 * Owns the intermediates of one kernel call: everything made through it is freed by close()
 * (except the result), or earlier by release() to keep the peak low inside loops.
 */
export class WasmKernelScope {
  private readonly owned: TensorInfo[] = [];
  constructor(readonly backend: KernelBackend) {}
  run(name: string, inputs: Record<string, TensorInfo> | TensorInfo[], attrs: Attrs = {}): TensorInfo {
    const out = runWasmKernel(this.backend, name, inputs, attrs);
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

export type ConvInfo = ReturnType<typeof tf.backend_util.computeConv2DInfo>;

/** computeConv2DInfo for a kernel's attrs (NHWC, dilation 1). */
export function convInfoOf(xShape: number[], filterShape: number[], attrs: Attrs): ConvInfo {
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
