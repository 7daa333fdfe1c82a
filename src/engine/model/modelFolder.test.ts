import { mkdtemp, readFile, rm, truncate, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadModelFolder, saveModelFolder } from './modelFolder';
import type { ModelMetadata, UNetConfig } from './types';
import { createUNet } from './unet';

const CONFIG: UNetConfig = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0.5 };
const METADATA: ModelMetadata = {
  format: 'unet-studio-model',
  version: 1,
  architecture: CONFIG,
  tileSize: 44,
  classes: [
    { name: 'background', color: '#000000' },
    { name: 'cell', color: '#ff0000' },
  ],
  normalization: { scale: 255, mean: [0.5], std: [0.2] },
  provenance: { createdAt: '2026-01-01T00:00:00Z', preset: 'fast', steps: 3 },
};

describe('model folder', () => {
  let root: string;
  let count = 0;
  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'unet-model-'));
  });
  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });
  const saved = async (): Promise<string> => {
    const dir = join(root, `m${count++}`);
    const unet = createUNet(CONFIG, 44, 4);
    await saveModelFolder(dir, unet, METADATA);
    unet.dispose();
    return dir;
  };
  const expectError = async (dir: string, code: string, message: RegExp) => {
    const error = await loadModelFolder(dir).catch((e: unknown) => e);
    expect(error).toMatchObject({ name: 'AppError', code });
    expect((error as Error).message).toMatch(message);
  };

  it('round-trips weights and metadata at another tile size', async () => {
    const dir = join(root, 'roundtrip');
    const before = tf.memory().numTensors;
    const unet = createUNet(CONFIG, 44, 4);
    await saveModelFolder(dir, unet, METADATA);
    const { unet: loaded, metadata } = await loadModelFolder(dir, 60);
    expect(loaded.inputSize).toBe(60);
    expect(metadata).toEqual(METADATA);
    const a = unet.getWeights();
    const b = loaded.getWeights();
    expect([...b.keys()]).toEqual([...a.keys()]);
    for (const [key, w] of a) expect(Array.from(b.get(key)!.data)).toEqual(Array.from(w.data));
    const manifest = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
    expect(manifest.weightsManifest[0].weights[0]).toEqual({
      name: 'enc0_conv1/kernel',
      shape: [3, 3, 1, 4],
      dtype: 'float32',
    });
    unet.dispose();
    loaded.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('keeps the source channels a model takes; a count that does not fit the network is corrupt', async () => {
    const dir = join(root, 'channels');
    const unet = createUNet(CONFIG, 44, 4);
    const withChannels: ModelMetadata = { ...METADATA, inputChannels: [{ index: 2, name: 'DAPI' }] };
    await saveModelFolder(dir, unet, withChannels);
    unet.dispose();
    const { unet: loaded, metadata } = await loadModelFolder(dir);
    loaded.dispose();
    expect(metadata.inputChannels).toEqual([{ index: 2, name: 'DAPI' }]);
    const path = join(dir, 'metadata.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    json.inputChannels = [{ index: 0 }, { index: 2 }];
    await writeFile(path, JSON.stringify(json));
    await expectError(dir, 'corrupt_file', /names 2 input channel\(s\) for a network of 1/);
  });

  it('names a missing folder or file (not_found)', async () => {
    await expectError(join(root, 'nope'), 'not_found', /model\.json is missing/);
    const dir = await saved();
    await unlink(join(dir, 'metadata.json'));
    await expectError(dir, 'not_found', /metadata\.json is missing/);
    const dir2 = await saved();
    await unlink(join(dir2, 'weights.bin'));
    await expectError(dir2, 'not_found', /weights\.bin/);
  });

  it('refuses another format tag and a future version (incompatible_model)', async () => {
    const dir = await saved();
    const path = join(dir, 'model.json');
    const json = JSON.parse(await readFile(path, 'utf8'));
    await writeFile(path, JSON.stringify({ ...json, format: 'layers-model' }));
    await expectError(dir, 'incompatible_model', /not a U-Net Studio model/);
    await writeFile(path, JSON.stringify({ ...json, version: 7 }));
    await expectError(dir, 'incompatible_model', /newer U-Net Studio \(format version 7/);
  });

  it('refuses shapes that do not fit the architecture (incompatible_model)', async () => {
    const dir = await saved();
    for (const file of ['model.json', 'metadata.json']) {
      const json = JSON.parse(await readFile(join(dir, file), 'utf8'));
      await writeFile(join(dir, file), JSON.stringify({ ...json, architecture: { ...CONFIG, classes: 3 } }));
    }
    await expectError(
      dir,
      'incompatible_model',
      /head\/kernel has shape \[1, 1, 4, 2\], the architecture needs \[1, 1, 4, 3\]/,
    );
  });

  it('detects a truncated or damaged weights.bin and broken JSON (corrupt_file)', async () => {
    const dir = await saved();
    await truncate(join(dir, 'weights.bin'), 100);
    await expectError(dir, 'corrupt_file', /100 bytes but model\.json describes/);
    const dir2 = await saved();
    const bytes = await readFile(join(dir2, 'weights.bin'));
    bytes[10] = (bytes[10]! + 1) % 256;
    await writeFile(join(dir2, 'weights.bin'), bytes);
    await expectError(dir2, 'corrupt_file', /does not match model\.json/);
    await writeFile(join(dir2, 'model.json'), '{"format": "unet-studio-wei');
    await expectError(dir2, 'corrupt_file', /not valid JSON/);
  });
});
