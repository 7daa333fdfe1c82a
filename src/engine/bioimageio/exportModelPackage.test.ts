import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { unzipSync } from 'fflate';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { decodeNpy } from '../image/index';
import { createUNet, legalInputSizes, unetOutputSize } from '../model/index';
import { modelInput } from '../prediction/index';
import { exportModelPackage } from './exportModelPackage';

const schemaPath = join(__dirname, '../../../test/fixtures/bioimageio/bioimageio_schema.json');
const architecture = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 3, dropout: 0 };
const tileSize = legalInputSizes(2, 60, 200)[0];
const normalization = { scale: 255, mean: [0.4], std: [0.2] };
const classes = [
  { name: 'background', color: '#000000' },
  { name: 'cell', color: '#ff0000' },
  { name: 'cell border', color: '#00ff00' },
];

let dir: string;
let files: Record<string, Uint8Array>;
let rdf: Record<string, unknown> & {
  inputs: InputRdf[];
  outputs: { test_tensor: FileRef; axes: unknown[] }[];
  weights: { onnx: FileRef & { opset_version: number } };
};
type FileRef = { source: string; sha256: string };
type InputRdf = {
  test_tensor: FileRef;
  preprocessing: { id: string; kwargs: { mean: number[]; std: number[]; axis: string } }[];
};

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'unet-bioimageio-'));
  await saveTinyModel(
    join(dir, 'model'),
    tinyModelMetadata(architecture, tileSize, normalization, classes),
    7,
  );
  const tensorsBefore = tf.memory().numTensors;
  const result = await exportModelPackage(join(dir, 'model'), join(dir, 'out', 'tiny.zip'), {
    name: 'Tiny U-Net (test)',
    authors: [{ name: 'Jane Doe', affiliation: 'Test Lab' }],
    license: 'MIT',
  });
  expect(result.files).toEqual([
    'rdf.yaml',
    'weights.onnx',
    'test_input.npy',
    'test_output.npy',
    'cover.png',
    'README.md',
  ]);
  // The network built for the export is disposed with its weights.
  expect(tf.memory().numTensors).toBe(tensorsBefore);
  files = unzipSync(new Uint8Array(await readFile(result.path)));
  rdf = parse(new TextDecoder().decode(files['rdf.yaml']));
}, 60_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('bioimage.io export', () => {
  it('rdf.yaml validates against the official JSON schema (model 0.5)', async () => {
    const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
    // The schema is draft 2020-12; its OpenAPI 'discriminator' keyword is an annotation here.
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validateAny = ajv.compile(schema);
    const validateModel = ajv.compile({
      $ref: '#/$defs/bioimageio__spec__model__v0_5__ModelDescr',
      $defs: schema.$defs,
    });
    expect(validateModel(rdf), JSON.stringify(validateModel.errors?.slice(0, 5), null, 1)).toBe(true);
    expect(validateAny(rdf), JSON.stringify(validateAny.errors?.slice(0, 5), null, 1)).toBe(true);
    // The same validator refuses a description without inputs, or with a misspelt axis type.
    expect(validateModel({ ...rdf, inputs: [] })).toBe(false);
    const badAxis = structuredClone(rdf);
    (badAxis.outputs[0].axes[0] as { type: string }).type = 'batches';
    expect(validateModel(badAxis)).toBe(false);
    expect(rdf).toMatchObject({ format_version: '0.5.7', type: 'model', license: 'MIT' });
    expect(rdf.weights.onnx.opset_version).toBe(13);
  });

  it('every listed file is in the zip with its SHA-256', () => {
    const refs = [rdf.weights.onnx, rdf.inputs[0].test_tensor, rdf.outputs[0].test_tensor];
    for (const ref of refs) {
      expect(createHash('sha256').update(files[ref.source]).digest('hex')).toBe(ref.sha256);
    }
    expect(files['cover.png'].subarray(1, 4)).toEqual(new Uint8Array([0x50, 0x4e, 0x47]));
    expect(new TextDecoder().decode(files['README.md'])).toContain('# Tiny U-Net (test)');
  });

  it('test_input, preprocessed as rdf.yaml says, through onnxruntime gives test_output within 1e-4', async () => {
    const input = decodeNpy(files['test_input.npy'], 'test_input.npy');
    const expectedOutput = decodeNpy(files['test_output.npy'], 'test_output.npy');
    expect(input.shape).toEqual([1, 1, tileSize, tileSize]);
    const outSize = unetOutputSize(tileSize, 2);
    expect(expectedOutput.shape).toEqual([1, 3, outSize, outSize]);
    // Preprocessing written out by hand from the rdf kwargs (not through our implementation).
    const [ensure, fixed] = rdf.inputs[0].preprocessing;
    expect(ensure.id).toBe('ensure_dtype');
    expect(fixed).toEqual({
      id: 'fixed_zero_mean_unit_variance',
      kwargs: { mean: [0.4 * 255], std: [0.2 * 255], axis: 'channel' },
    });
    const x = Float32Array.from(input.data, (v) => (v - fixed.kwargs.mean[0]) / fixed.kwargs.std[0]);
    const session = await ort.InferenceSession.create(files['weights.onnx']);
    expect([session.inputNames, session.outputNames]).toEqual([['input'], ['probabilities']]);
    const out = await session.run({ input: new ort.Tensor('float32', x, input.shape) });
    const got = out.probabilities.data as Float32Array;
    expect(Array.from(out.probabilities.dims)).toEqual(expectedOutput.shape);
    let worst = 0;
    for (let i = 0; i < got.length; i++) worst = Math.max(worst, Math.abs(got[i] - expectedOutput.data[i]));
    expect(worst).toBeLessThan(1e-4);
    await session.release();
  });

  it('matches the TF.js network fed by the app own normalisation (training and prediction path)', () => {
    const input = decodeNpy(files['test_input.npy'], 'test_input.npy');
    const expectedOutput = decodeNpy(files['test_output.npy'], 'test_output.npy');
    // test_input holds whole 8-bit values: the image the app would read.
    expect(Array.from(input.data).every((v) => Number.isInteger(v) && v >= 0 && v <= 255)).toBe(true);
    const image = {
      width: tileSize,
      height: tileSize,
      channels: 1 as const,
      bitDepth: 8 as const,
      data: Uint8Array.from(input.data),
    };
    const x = modelInput(image, 1, normalization, 'test');
    const before = tf.memory().numTensors;
    const unet = createUNet(architecture, tileSize, 7);
    const probabilities = tf.tidy(() =>
      tf.softmax(unet.apply(tf.tensor4d(x, [1, tileSize, tileSize, 1]), false)),
    );
    const hwc = probabilities.dataSync();
    probabilities.dispose();
    unet.dispose();
    expect(tf.memory().numTensors).toBe(before);
    const outSize = expectedOutput.shape[2];
    let worst = 0;
    for (let c = 0; c < 3; c++)
      for (let p = 0; p < outSize * outSize; p++)
        worst = Math.max(worst, Math.abs(hwc[p * 3 + c] - expectedOutput.data[c * outSize * outSize + p]));
    expect(worst).toBeLessThan(1e-4);
  });
});
