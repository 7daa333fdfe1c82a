import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { legalInputSizes } from '../model/index';
import { DEFAULT_PERCENTILE_NORMALIZATION, type ModelMetadata } from '../model/types';
import { openModelPredictor } from '../prediction/modelPredictor';
import { trainedClasses } from '../training/modelMetadata';
import { exportModelPackage } from './exportModelPackage';

// An untrained model that learned object borders: three network classes, used as two.
const architecture = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 3, dropout: 0 };
const size = legalInputSizes(2, 40, 100)[0];
let dir: string;
let zip: string;

beforeAll(async () => {
  await tf.setBackend('cpu');
  dir = await mkdtemp(join(tmpdir(), 'unet-export-borders-'));
  const metadata: ModelMetadata = {
    ...tinyModelMetadata(architecture, size, DEFAULT_PERCENTILE_NORMALIZATION, trainedClasses(3, true)),
    objectBorders: true,
  };
  await saveTinyModel(join(dir, 'model'), metadata, 5);
  zip = (
    await exportModelPackage(join(dir, 'model'), join(dir, 'borders.zip'), {
      name: 'Object border model',
      authors: [{ name: 'Jane Doe' }],
      license: 'MIT',
    })
  ).path;
}, 60_000);
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('a model that learned object borders, as a folder and as a bioimage.io package', () => {
  it('the package says so, and both predict background and foreground with the interior', async () => {
    const files = unzipSync(new Uint8Array(await readFile(zip)));
    const rdf = parse(new TextDecoder().decode(files['rdf.yaml']));
    expect(rdf.config['unet-studio'].objectBorders).toBe(true);
    expect(rdf.description).toMatch(/object interior, object border/);

    const image = {
      width: size,
      height: size,
      channels: 1,
      bitDepth: 8 as const,
      data: Uint8Array.from({ length: size * size }, (_, i) => (i * 37) % 251),
    };
    const folder = await openModelPredictor(join(dir, 'model'), { backend: 'onnx' });
    const pkg = await openModelPredictor(zip);
    try {
      expect([folder.classCount, pkg.classCount]).toEqual([2, 2]);
      const a = await folder.predict(image);
      const b = await pkg.predict(image);
      for (const p of [a, b]) {
        expect(p.probabilities).toHaveLength(2 * size * size);
        expect(p.interior).toHaveLength(size * size);
        for (let i = 0; i < size * size; i += 13) {
          expect(p.probabilities[2 * i] + p.probabilities[2 * i + 1]).toBeCloseTo(1, 5);
          // The interior is part of the foreground.
          expect(p.interior![i]).toBeLessThanOrEqual(p.probabilities[2 * i + 1] + 1e-6);
          expect(p.classes[i]).toBe(p.probabilities[2 * i + 1] > p.probabilities[2 * i] ? 1 : 0);
        }
      }
      let worst = 0;
      for (let i = 0; i < a.probabilities.length; i++)
        worst = Math.max(worst, Math.abs(a.probabilities[i] - b.probabilities[i]));
      for (let i = 0; i < a.interior!.length; i++)
        worst = Math.max(worst, Math.abs(a.interior![i] - b.interior![i]));
      expect(worst).toBeLessThan(1e-4);
    } finally {
      await folder.dispose();
      await pkg.dispose();
    }
  });
});
