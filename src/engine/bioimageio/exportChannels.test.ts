import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import Ajv2020 from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { decodeNpy, encodeTiffSync, readMicroscopyImage } from '../image/index';
import { legalInputSizes } from '../model/index';
import { DEFAULT_PERCENTILE_NORMALIZATION, type ModelMetadata } from '../model/types';
import { openModelPredictor } from '../prediction/modelPredictor';
import { exportModelPackage } from './exportModelPackage';

// A 2-channel model trained on channels 3 ("membrane") and 1 ("DAPI") of a stack, exported
// with a 3-channel 16-bit hyperstack as its sample image.
const schemaPath = join(__dirname, '../../../test/fixtures/bioimageio/bioimageio_schema.json');
const architecture = { depth: 2, baseFilters: 2, inputChannels: 2, classes: 2, dropout: 0 };
const size = legalInputSizes(2, 40, 100)[0];
let dir: string;
let rdf: {
  inputs: { axes: { type: string; channel_names?: string[] }[] }[];
  config: { 'unet-studio': { inputChannels?: unknown } };
};
let testInput: ReturnType<typeof decodeNpy>;
let sample: Uint16Array;
let zip: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'unet-export-channels-'));
  const metadata: ModelMetadata = {
    ...tinyModelMetadata(architecture, size, DEFAULT_PERCENTILE_NORMALIZATION),
    inputChannels: [
      { index: 2, name: 'membrane' },
      { index: 0, name: 'DAPI' },
    ],
  };
  await saveTinyModel(join(dir, 'model'), metadata, 3);
  sample = Uint16Array.from({ length: size * size * 3 }, (_, i) => (i % 3) * 10_000 + (i % 997));
  const tiff = encodeTiffSync({ width: size, height: size, channels: 3, bitDepth: 16, data: sample }, 's', {
    layout: 'hyperstack',
  });
  await writeFile(join(dir, 'sample.tif'), tiff);
  const result = await exportModelPackage(join(dir, 'model'), join(dir, 'two.zip'), {
    name: 'Two channel model',
    authors: [{ name: 'Jane Doe' }],
    license: 'MIT',
    sampleImage: join(dir, 'sample.tif'),
  });
  zip = result.path;
  const files = unzipSync(new Uint8Array(await readFile(result.path)));
  rdf = parse(new TextDecoder().decode(files['rdf.yaml']));
  testInput = decodeNpy(files['test_input.npy'], 'test_input.npy');
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('bioimage.io export of a model trained on chosen channels', () => {
  it('names the source channels on the input axis and still validates against the schema', async () => {
    const channelAxis = rdf.inputs[0].axes.find((a) => a.type === 'channel');
    expect(channelAxis?.channel_names).toEqual(['membrane', 'DAPI']);
    expect(rdf.config['unet-studio'].inputChannels).toEqual([
      { index: 2, name: 'membrane' },
      { index: 0, name: 'DAPI' },
    ]);
    const schema = JSON.parse(await readFile(schemaPath, 'utf8'));
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile({
      $ref: '#/$defs/bioimageio__spec__model__v0_5__ModelDescr',
      $defs: schema.$defs,
    });
    expect(validate(rdf), JSON.stringify(validate.errors?.slice(0, 5), null, 1)).toBe(true);
  });

  it('takes the test input from those channels of the sample, in the model’s order', () => {
    expect(testInput.shape).toEqual([1, 2, size, size]);
    const n = size * size;
    for (let p = 0; p < n; p += 7) {
      expect(testInput.data[p]).toBe(sample[p * 3 + 2]);
      expect(testInput.data[n + p]).toBe(sample[p * 3]);
    }
  });
});

describe('the package opened elsewhere', () => {
  it('selects the same channels of a whole stack as the model folder does', async () => {
    const { image } = await readMicroscopyImage(join(dir, 'sample.tif'));
    expect(image.channels).toBe(3);
    const folder = await openModelPredictor(join(dir, 'model'), { backend: 'onnx' });
    const pkg = await openModelPredictor(zip);
    try {
      expect(pkg.inputChannels).toEqual(folder.inputChannels);
      const a = await folder.predict(image, { name: 'sample.tif' });
      const b = await pkg.predict(image, { name: 'sample.tif' });
      let worst = 0;
      for (let i = 0; i < a.probabilities.length; i++)
        worst = Math.max(worst, Math.abs(a.probabilities[i] - b.probabilities[i]));
      expect(worst).toBeLessThan(1e-4);
      const gray = { ...image, channels: 1, data: image.data.subarray(0, size * size) };
      await expect(pkg.predict(gray, { name: 'gray.tif' })).rejects.toThrow(
        'gray.tif has 1 channel, but the model takes channel 3 ("membrane")',
      );
    } finally {
      await folder.dispose();
      await pkg.dispose();
    }
  });
});
