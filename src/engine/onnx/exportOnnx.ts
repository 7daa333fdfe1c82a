import { writeFileAtomic } from '../fsutil/index';
import type { UNetConfig } from '../model/types';
import { encodeModel, floatValueInfo, intAttr, intsAttr, OnnxGraphBuilder } from './onnxGraph';

/** One weight tensor in TF.js layout (conv [kh,kw,in,out], up-conv [2,2,out,in], bias [out]). */
export interface WeightTensor {
  shape: number[];
  data: Float32Array;
}

/** What the exporter reads from a U-Net (the model area's `UNet` satisfies it). */
export interface OnnxExportSource {
  config: UNetConfig;
  /** Weights keyed 'layer/kernel' and 'layer/bias' (layer names as in model/unet.ts). */
  getWeights(): Map<string, WeightTensor>;
  /** The same weights read asynchronously, where the source can (the only way on WebGPU). */
  readWeights?(): Promise<Map<string, WeightTensor>>;
}

/** `source` with its weights read once, asynchronously where it can: buildOnnxModel is synchronous. */
export async function withReadWeights(source: OnnxExportSource): Promise<OnnxExportSource> {
  if (source.readWeights === undefined) return source;
  const weights = await source.readWeights();
  return { config: source.config, getWeights: () => weights };
}

export interface OnnxExportOptions {
  /** Also output 'probabilities' = Softmax(logits) over the channel axis (default true). */
  softmax?: boolean;
  /** Opset of the default domain (default 13). */
  opset?: number;
}

/** Names of the graph's inputs and outputs. */
export const ONNX_INPUT = 'input';
export const ONNX_LOGITS = 'logits';
export const ONNX_PROBABILITIES = 'probabilities';

/**
 * Builds the ONNX graph of a U-Net and returns its bytes.
 *
 * Input 'input' float32 [N, C, H, W] with N, H, W dynamic (H, W must be legal tile sizes).
 * Outputs 'logits' [N, classes, h, w] and, unless `softmax: false`, 'probabilities'
 * (Softmax over axis 1). Ops: Conv (pads 0) + Relu, MaxPool 2x2/2, ConvTranspose 2x2/2,
 * Slice (centre crop of the skip), Concat [skip, upsampled], Conv 1x1 head. Dropout is an
 * identity at inference and is left out.
 */
export function buildOnnxModel(source: OnnxExportSource, options: OnnxExportOptions = {}): Uint8Array {
  const { depth, baseFilters, inputChannels, classes } = source.config;
  const weights = source.getWeights();
  const g = new OnnxGraphBuilder();

  const take = (name: string): WeightTensor => {
    const w = weights.get(name);
    if (!w) throw new Error(`exportOnnx: weight ${name} is missing`);
    return w;
  };
  // TF conv kernel [kh, kw, in, out] -> ONNX Conv W [out, in, kh, kw].
  const conv = (x: string, layer: string, relu: boolean): string => {
    const k = take(`${layer}/kernel`);
    const [kh, kw, cin, cout] = k.shape;
    const w = g.floatTensor(`${layer}.weight`, [cout, cin, kh, kw], permute(k.data, k.shape, [3, 2, 0, 1]));
    const b = g.floatTensor(`${layer}.bias`, [cout], take(`${layer}/bias`).data);
    const y = g.node('Conv', [x, w, b], [intsAttr('kernel_shape', [kh, kw]), intsAttr('pads', [0, 0, 0, 0])]);
    return relu ? g.node('Relu', [y]) : y;
  };
  // TF conv2dTranspose kernel [kh, kw, out, in] -> ONNX ConvTranspose W [in, out, kh, kw]
  // (out[i*2+a, j*2+b, o] += x[i, j, c] * K[a, b, o, c]: no spatial flip in either).
  const upconv = (x: string, layer: string): string => {
    const k = take(`${layer}/kernel`);
    const [kh, kw, cout, cin] = k.shape;
    const w = g.floatTensor(`${layer}.weight`, [cin, cout, kh, kw], permute(k.data, k.shape, [3, 2, 0, 1]));
    const b = g.floatTensor(`${layer}.bias`, [cout], take(`${layer}/bias`).data);
    return g.node(
      'ConvTranspose',
      [x, w, b],
      [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])],
    );
  };

  let x = ONNX_INPUT;
  const skips: string[] = [];
  for (let level = 0; level < depth; level++) {
    x = conv(conv(x, `enc${level}_conv1`, true), `enc${level}_conv2`, true);
    skips.push(x);
    x = g.node('MaxPool', [x], [intsAttr('kernel_shape', [2, 2]), intsAttr('strides', [2, 2])]);
  }
  x = conv(conv(x, 'bottom_conv1', true), 'bottom_conv2', true);
  const offsets = cropOffsets(depth);
  for (let level = depth - 1; level >= 0; level--) {
    const up = upconv(x, `dec${level}_up`);
    // The skip is larger than the up-sampled map by 2 * offset px at every legal input size
    // (sizes shrink and grow by the same amounts), so the centre crop is a constant Slice.
    const off = offsets[level];
    const starts = g.int64Tensor(g.name('crop_starts'), [off, off]);
    const ends = g.int64Tensor(g.name('crop_ends'), [-off, -off]);
    const axes = g.int64Tensor(g.name('crop_axes'), [2, 3]);
    const skip = g.node('Slice', [skips[level], starts, ends, axes]);
    const cat = g.node('Concat', [skip, up], [intAttr('axis', 1)]);
    x = conv(conv(cat, `dec${level}_conv1`, true), `dec${level}_conv2`, true);
  }
  g.node('Conv', [x, ...headWeights(g, take)], [intsAttr('kernel_shape', [1, 1])], ONNX_LOGITS);
  const outputs = [floatValueInfo(ONNX_LOGITS, ['N', classes, 'out_h', 'out_w'])];
  if (options.softmax !== false) {
    g.node('Softmax', [ONNX_LOGITS], [intAttr('axis', 1)], ONNX_PROBABILITIES);
    outputs.push(floatValueInfo(ONNX_PROBABILITIES, ['N', classes, 'out_h', 'out_w']));
  }
  return encodeModel({
    irVersion: 8,
    opsetImport: [{ domain: '', version: options.opset ?? 13 }],
    producerName: 'unet-studio',
    producerVersion: '1',
    docString: `U-Net depth ${depth}, ${baseFilters} base filters, ${inputChannels} -> ${classes} channels`,
    graph: {
      name: 'unet',
      node: g.nodes,
      initializer: g.initializers,
      input: [floatValueInfo(ONNX_INPUT, ['N', inputChannels, 'H', 'W'])],
      output: outputs,
    },
  });
}

/** Writes `buildOnnxModel(source)` to `path` atomically. */
export async function exportOnnx(
  source: OnnxExportSource,
  path: string,
  options?: OnnxExportOptions,
): Promise<void> {
  await writeFileAtomic(path, buildOnnxModel(await withReadWeights(source), options));
}

function headWeights(g: OnnxGraphBuilder, take: (name: string) => WeightTensor): [string, string] {
  const k = take('head/kernel');
  const [kh, kw, cin, cout] = k.shape;
  return [
    g.floatTensor('head.weight', [cout, cin, kh, kw], permute(k.data, k.shape, [3, 2, 0, 1])),
    g.floatTensor('head.bias', [cout], take('head/bias').data),
  ];
}

/**
 * Centre-crop offset (px per side) of the skip at each level, index = level. Level L's skip
 * has edge s_L and its up-sampled partner u_L; offset = (s_L - u_L) / 2, the same for every
 * legal input size (paper depth 4: [88, 40, 16, 4], i.e. 568 -> 392 at the top).
 */
export function cropOffsets(depth: number, bottomEdge = 32): number[] {
  // Contracting path walked upwards from the bottom input edge: e_L = 2 e_(L+1) + 4, and the
  // skip (conv2 output) is s_L = e_L - 4 = 2 e_(L+1).
  const skips: number[] = [];
  let edge = bottomEdge;
  for (let level = depth - 1; level >= 0; level--) {
    skips[level] = 2 * edge;
    edge = 2 * edge + 4;
  }
  // Expanding path: the bottom convs remove 4 px, each level doubles then removes 4 px.
  const offsets: number[] = [];
  let decoded = bottomEdge - 4;
  for (let level = depth - 1; level >= 0; level--) {
    const up = 2 * decoded;
    offsets[level] = (skips[level] - up) / 2;
    decoded = up - 4;
  }
  return offsets;
}

/** Transposes a row-major tensor of `shape` by `perm` (like np.transpose). */
export function permute(data: Float32Array, shape: number[], perm: number[]): Float32Array {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const inStrides = new Array<number>(rank);
  inStrides[rank - 1] = 1;
  for (let d = rank - 2; d >= 0; d--) inStrides[d] = inStrides[d + 1] * shape[d + 1];
  const strideOfOut = perm.map((p) => inStrides[p]);
  const out = new Float32Array(data.length);
  const index = new Array<number>(rank).fill(0);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += index[d] * strideOfOut[d];
    out[o] = data[src];
    for (let d = rank - 1; d >= 0; d--) {
      index[d] += 1;
      if (index[d] < outShape[d]) break;
      index[d] = 0;
    }
  }
  return out;
}
