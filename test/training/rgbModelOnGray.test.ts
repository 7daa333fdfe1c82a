import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { matchTrainingPairs, predictFiles, readImage, train, writePng } from '../../src/engine/index';
import { writeDiscDataset } from './syntheticData';

let root: string;

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'rgb-on-gray-'));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

/**
 * A model trained on RGB images, then asked to predict a 1-channel image (a folder prediction, as
 * the CLI and the app's "Predict folder" run it). Once this wrote an all-255 mask without a word;
 * now the gray image is repeated into RGB, the conversion is reported, and the mask must find the
 * discs as well as on an image the model was trained for.
 */
describe('an RGB-trained model predicting a 1-channel image', () => {
  it('says it converts, and writes a mask that matches the truth (not all foreground)', async () => {
    const data = await writeDiscDataset(join(root, 'gray'), { count: 5, width: 48, height: 40, seed: 'rgb' });
    // Training images in colour: a tinted copy of each gray image (r = v, g = 0.85 v, b = 0.6 v).
    const rgbDir = join(root, 'rgb');
    await mkdir(rgbDir);
    const trainNames = data.names.slice(0, 4);
    for (const name of trainNames) {
      const gray = await readImage(join(data.images, `${name}.png`));
      const rgb = new Uint8Array(gray.width * gray.height * 3);
      for (let i = 0; i < gray.width * gray.height; i++) {
        rgb[i * 3] = gray.data[i];
        rgb[i * 3 + 1] = Math.round(gray.data[i] * 0.85);
        rgb[i * 3 + 2] = Math.round(gray.data[i] * 0.6);
      }
      await writePng(join(rgbDir, `${name}.png`), {
        width: gray.width,
        height: gray.height,
        channels: 3,
        bitDepth: 8,
        data: rgb,
      });
    }
    const pairs = (await matchTrainingPairs(rgbDir, data.labels)).pairs;
    expect(pairs).toHaveLength(4);
    const runDir = join(root, 'run');
    const result = await train(
      {
        images: pairs,
        outDir: runDir,
        architecture: { depth: 2, baseFilters: 8, dropout: 0 },
        tileSize: 60,
        batch: 2,
        steps: 60,
        optimizer: 'adam',
        learningRate: 0.01,
        valFraction: 0.25,
        validateEverySteps: 30,
        backend: 'wasm',
        seed: 3,
      },
      { signal: new AbortController().signal, onEvent: () => {} },
    );
    expect(result.status).toBe('done');

    // The fifth image, never trained on, in its 1-channel form.
    const held = data.names[4];
    const inDir = join(root, 'in');
    await mkdir(inDir);
    await writePng(join(inDir, `${held}.png`), await readImage(join(data.images, `${held}.png`)));
    const predicted = await predictFiles({
      model: runDir,
      inputs: [join(inDir, `${held}.png`)],
      outDir: join(root, 'out'),
      backend: 'tfjs',
    });
    const [file] = predicted.files;
    expect(file.channelNote).toMatch(/1-channel image repeated into the 3 \(RGB\) channels/);
    const mask = await readImage(file.mask);
    const truth = await readImage(join(data.labels, `${held}.png`));
    expect(new Set(mask.data).size).toBe(2);
    let both = 0;
    let either = 0;
    let predictedFg = 0;
    let truthFg = 0;
    for (let i = 0; i < mask.data.length; i++) {
      const p = mask.data[i] === 255;
      const t = truth.data[i] === 255;
      if (p) predictedFg++;
      if (t) truthFg++;
      if (p && t) both++;
      if (p || t) either++;
    }
    // Not all 255: about as much foreground as the truth holds, and where it is.
    expect(predictedFg / mask.data.length).toBeLessThan(0.6);
    expect(predictedFg).toBeGreaterThan(0.5 * truthFg);
    expect(both / either).toBeGreaterThan(0.6);
  });
});
