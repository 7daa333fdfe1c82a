import { cp, mkdir, mkdtemp, readdir, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError, loadModelFolder, type UNetConfig } from '../../src/engine/index';
import { runCli } from '../support/cli';
import { saveTinyModel, tinyModelMetadata } from '../support/tinyModel';
import { CORPUS_DIR } from './make-corpus';
import { expectCliError, inBatches } from './support/cli';
import { projectState } from './support/projectState';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 2, inputChannels: 1, classes: 2, dropout: 0 };
const METADATA = tinyModelMetadata(CONFIG, 44, { scale: 255, mean: [0.5], std: [0.25] });

/** A TF.js Layers model folder (what `model.save('file://...')` of a Keras-style model writes). */
const LAYERS_MODEL = {
  format: 'layers-model',
  generatedBy: 'TensorFlow.js tfjs-layers v4.22.0',
  convertedBy: null,
  modelTopology: { class_name: 'Sequential', config: { name: 'sequential_1', layers: [] } },
  weightsManifest: [
    { paths: ['weights.bin'], weights: [{ name: 'dense/kernel', shape: [4, 2], dtype: 'float32' }] },
  ],
};

let root: string;
let good: string;
beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-badmodel-'));
  good = join(root, 'good');
  await saveTinyModel(good, METADATA, 7);
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

async function variant(name: string, change: (dir: string) => Promise<void>): Promise<string> {
  const dir = join(root, name);
  await cp(good, dir, { recursive: true });
  await change(dir);
  return dir;
}

async function editJson(path: string, edit: (json: Record<string, unknown>) => Record<string, unknown>) {
  await writeFile(path, JSON.stringify(edit(JSON.parse(await readFile(path, 'utf8')))));
}

/** The broken model folders, each with the code and words loading it must give. */
async function brokenFolders() {
  return [
    {
      name: 'layers-model',
      code: 'incompatible_model',
      says: /not a U-Net Studio model/,
      dir: await variant('layers-model', async (dir) => {
        await rm(dir, { recursive: true });
        await mkdir(dir);
        await writeFile(join(dir, 'model.json'), JSON.stringify(LAYERS_MODEL));
        await writeFile(join(dir, 'weights.bin'), new Uint8Array(32));
      }),
    },
    {
      name: 'other-architecture',
      code: 'incompatible_model',
      says: /shape/,
      // The weights of a 2-filter net described as a 3-filter one: the manifest no longer fits.
      dir: await variant('other-architecture', async (dir) => {
        const deeper = (json: Record<string, unknown>) => ({
          ...json,
          architecture: { ...CONFIG, baseFilters: 3 },
        });
        await editJson(join(dir, 'model.json'), deeper);
        await editJson(join(dir, 'metadata.json'), deeper);
      }),
    },
    {
      name: 'corrupt-weights',
      code: 'corrupt_file',
      says: /weights\.bin does not match model\.json/,
      dir: await variant('corrupt-weights', async (dir) => {
        const bytes = await readFile(join(dir, 'weights.bin'));
        bytes[bytes.length >> 1] ^= 0x40;
        await writeFile(join(dir, 'weights.bin'), bytes);
      }),
    },
    {
      name: 'truncated-weights',
      code: 'corrupt_file',
      says: /truncated/,
      dir: await variant('truncated-weights', (dir) => truncate(join(dir, 'weights.bin'), 64)),
    },
    {
      name: 'missing-metadata',
      code: 'not_found',
      says: /metadata\.json is missing/,
      dir: await variant('missing-metadata', (dir) => unlink(join(dir, 'metadata.json'))),
    },
    {
      name: 'empty-folder',
      code: 'not_found',
      says: /not a model folder/,
      dir: await variant('empty-folder', async (dir) => {
        for (const file of await readdir(dir)) await unlink(join(dir, file));
      }),
    },
  ];
}

describe('bad-input corpus: model folders', () => {
  it('loadModelFolder refuses each broken folder with its code, naming it, and leaks no tensor', async () => {
    const folders = await brokenFolders();
    const { unet } = await loadModelFolder(good);
    unet.dispose();
    const before = tf.memory().numTensors;
    for (const { name, code, says, dir } of folders) {
      const error = await loadModelFolder(dir).then(
        (m) => {
          m.unet.dispose();
          return undefined;
        },
        (e: unknown) => e,
      );
      expect(error, name).toBeInstanceOf(AppError);
      expect([name, (error as AppError).code]).toEqual([name, code]);
      expect((error as AppError).message).toContain(dir);
      expect((error as AppError).message).toMatch(says);
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it('`predict` with a broken model exits non-zero naming the folder; earlier outputs are kept', async () => {
    const folders = (await brokenFolders()).filter((f) =>
      ['layers-model', 'corrupt-weights', 'missing-metadata'].includes(f.name),
    );
    const runs = await inBatches(
      folders.map((f) => async () => {
        const out = join(root, `out-${f.name}`);
        await mkdir(out, { recursive: true });
        await writeFile(join(out, 'good.png'), 'an earlier prediction');
        const before = await projectState(out);
        const run = await runCli([
          'predict',
          '--model',
          f.dir,
          '--images',
          join(CORPUS_DIR, 'good.png'),
          '--out',
          out,
        ]);
        return { run, out, before };
      }),
    );
    for (const [i, { run, out, before }] of runs.entries()) {
      expectCliError(run, folders[i].code, [folders[i].dir]);
      expect(await projectState(out)).toEqual(before);
    }
  });
});
