import { AppError } from '../../shared/errors';
import { decodeModel, encodeModel } from '../onnx/onnxGraph';

/** HWC (pixel-major) samples to CHW (channel planes). */
export function hwcToChw(hwc: Float32Array, pixels: number, channels: number): Float32Array {
  const out = new Float32Array(pixels * channels);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < pixels; p++) out[c * pixels + p] = hwc[p * channels + c];
  return out;
}

/** CHW channel planes to HWC. */
export function chwToHwc(chw: Float32Array, pixels: number, channels: number): Float32Array {
  const out = new Float32Array(pixels * channels);
  for (let c = 0; c < channels; c++)
    for (let p = 0; p < pixels; p++) out[p * channels + c] = chw[c * pixels + p];
  return out;
}

/**
 * The same ONNX model with one graph output, `name` (bioimage.io consumers such as deepImageJ
 * expect the outputs rdf.yaml lists, and ours lists one). The nodes are kept: the dropped
 * output is still computed inside the graph as an intermediate.
 */
export function keepOnlyOutput(bytes: Uint8Array, name: string): Uint8Array {
  const model = decodeModel(bytes);
  const outputs = model.graph?.output ?? [];
  const kept = outputs.filter((o) => o.name === name);
  if (!model.graph || kept.length !== 1) {
    throw new AppError('internal', `the exported ONNX graph has no output '${name}'`);
  }
  model.graph.output = kept;
  return encodeModel(model);
}
