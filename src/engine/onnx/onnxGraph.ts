import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/**
 * Small builders for an ONNX graph (onnx-proto message objects): nodes, attributes, float
 * initialisers and value infos. Kept apart from the U-Net walk in exportOnnx.ts.
 */
export class OnnxGraphBuilder {
  readonly nodes: onnxProto.onnx.INodeProto[] = [];
  readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private counter = 0;

  /** A fresh tensor name with `prefix`. */
  name(prefix: string): string {
    this.counter += 1;
    return `${prefix}_${this.counter}`;
  }

  /** Appends a node and returns its (single) output name. */
  node(
    opType: string,
    inputs: string[],
    attributes: onnxProto.onnx.IAttributeProto[] = [],
    output?: string,
  ): string {
    const out = output ?? this.name(opType.toLowerCase());
    this.nodes.push({
      opType,
      input: inputs,
      output: [out],
      name: `${opType}_${out}`,
      attribute: attributes,
    });
    return out;
  }

  /** A float32 initialiser with ONNX dims `dims` (row-major data, copied little-endian). */
  floatTensor(name: string, dims: number[], data: Float32Array): string {
    const expected = dims.reduce((a, b) => a * b, 1);
    if (data.length !== expected) {
      throw new Error(`initialiser ${name}: ${data.length} values for dims [${dims.join(', ')}]`);
    }
    const raw = new Uint8Array(data.length * 4);
    const view = new DataView(raw.buffer);
    for (let i = 0; i < data.length; i++) view.setFloat32(i * 4, data[i], true);
    this.initializers.push({ name, dims, dataType: onnx.TensorProto.DataType.FLOAT, rawData: raw });
    return name;
  }

  /** An int64 initialiser (Slice starts/ends/axes). */
  int64Tensor(name: string, values: number[]): string {
    this.initializers.push({
      name,
      dims: [values.length],
      dataType: onnx.TensorProto.DataType.INT64,
      int64Data: values,
    });
    return name;
  }
}

/** An INTS attribute. */
export function intsAttr(name: string, ints: number[]): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INTS, ints };
}

/** An INT attribute. */
export function intAttr(name: string, i: number): onnxProto.onnx.IAttributeProto {
  return { name, type: onnx.AttributeProto.AttributeType.INT, i };
}

/** A float32 tensor value info; string dims are symbolic (dynamic), numbers fixed. */
export function floatValueInfo(name: string, dims: (number | string)[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: onnx.TensorProto.DataType.FLOAT,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Serialises a model proto to bytes. */
export function encodeModel(model: onnxProto.onnx.IModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Parses model bytes (throws protobufjs errors on garbage). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
