import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unzipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { runCli } from '../../../test/support/cli';
import { saveTinyModel, tinyModelMetadata } from '../../../test/support/tinyModel';
import { readImage, readNpy, readPixelSize, writePng, writeTiff } from '../../engine/index';

const CONFIG = { depth: 2, baseFilters: 4, inputChannels: 1, classes: 2, dropout: 0 };
const METADATA = tinyModelMetadata(CONFIG, 52, { scale: 255, mean: [0.45], std: [0.2] });
const thirdParty = join(__dirname, '../../../test/fixtures/bioimageio/tiny-unet2d');
let dir = '';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'cli-export-'));
  await saveTinyModel(join(dir, 'model'), METADATA, 11);
  await mkdir(join(dir, 'images'));
  const data = Uint8Array.from({ length: 61 * 45 }, (_, i) => (i * 53 + ((i / 61) | 0) * 29) % 256);
  await writePng(join(dir, 'images', 'cells.png'), { width: 61, height: 45, channels: 1, bitDepth: 8, data });
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('unet-studio export-model and predict --model FILE.zip', () => {
  it('exports a package whose predictions equal the model folder ones', async () => {
    const zip = join(dir, 'tiny.zip');
    const exported = await runCli([
      'export-model',
      '--model',
      join(dir, 'model'),
      '--out',
      zip,
      '--authors',
      'Jane Doe (Cell Lab); John Roe',
      '--license',
      'CC-BY-4.0',
      '--name',
      'Tiny cells',
    ]);
    expect(exported.stderr).toBe('');
    expect(exported.code).toBe(0);
    expect(exported.stdout).toContain('bioimage.io model package (format 0.5, ONNX opset 13)');
    const rdf = parse(new TextDecoder().decode(unzipSync(new Uint8Array(await readFile(zip)))['rdf.yaml']));
    expect(rdf.authors).toEqual([{ name: 'Jane Doe', affiliation: 'Cell Lab' }, { name: 'John Roe' }]);
    expect([rdf.name, rdf.license]).toEqual(['Tiny cells', 'CC-BY-4.0']);

    const common = ['--images', join(dir, 'images'), '--probabilities', 'npy', '--threads', '1'];
    const [fromFolder, fromZip] = await Promise.all([
      runCli(['predict', '--model', join(dir, 'model'), '--out', join(dir, 'folder-out'), ...common]),
      runCli(['predict', '--model', zip, '--out', join(dir, 'zip-out'), ...common]),
    ]);
    expect([fromFolder.code, fromZip.code, fromZip.stderr]).toEqual([0, 0, '']);
    const a = await readImage(join(dir, 'folder-out', 'cells.png'));
    const b = await readImage(join(dir, 'zip-out', 'cells.png'));
    expect(Array.from(b.data)).toEqual(Array.from(a.data));
    const pa = await readNpy(join(dir, 'folder-out', 'cells_prob.npy'));
    const pb = await readNpy(join(dir, 'zip-out', 'cells_prob.npy'));
    let worst = 0;
    for (let i = 0; i < pa.data.length; i++) worst = Math.max(worst, Math.abs(pa.data[i] - pb.data[i]));
    expect(worst).toBeLessThan(1e-5);
  });

  it('predicts with a package made elsewhere, and refuses what cannot work', async () => {
    // A 16-bit TIFF input with a pixel size: the TIFF mask keeps it.
    const cells = await readImage(join(dir, 'images', 'cells.png'));
    const tiffInput = join(dir, 'tiff-images', 'cells.tif');
    const cells16 = { ...cells, bitDepth: 16 as const, data: Uint16Array.from(cells.data, (v) => v * 257) };
    await writeTiff(tiffInput, cells16, { pixelSize: { x: 0.325, y: 0.325 } });
    const run = await runCli([
      'predict',
      '--model',
      thirdParty,
      '--images',
      tiffInput,
      '--out',
      join(dir, 'third'),
      '--format',
      'tif',
    ]);
    expect([run.code, run.stderr]).toEqual([0, '']);
    const mask = await readImage(join(dir, 'third', 'cells.tif'));
    expect([mask.width, mask.height]).toEqual([61, 45]);
    expect(new Set(mask.data)).toEqual(new Set([0, 255]));
    const pixelSize = await readPixelSize(join(dir, 'third', 'cells.tif'));
    expect(pixelSize?.x).toBeCloseTo(0.325, 9);
    expect(pixelSize?.y).toBeCloseTo(0.325, 9);

    const tfjs = await runCli([
      'predict',
      '--model',
      thirdParty,
      '--images',
      join(dir, 'images'),
      '--out',
      join(dir, 'x'),
      '--backend',
      'tfjs',
    ]);
    expect(tfjs.code).toBe(1);
    expect(tfjs.stderr).toMatch(/^error \(invalid_argument\): .*onnxruntime only/);
    const badLicense = await runCli([
      'export-model',
      '--model',
      join(dir, 'model'),
      '--out',
      join(dir, 'bad.zip'),
      '--authors',
      'A',
      '--license',
      'my own licence!',
    ]);
    expect(badLicense.code).toBe(1);
    expect(badLicense.stderr).toMatch(/^error \(invalid_argument\): .*SPDX/);
    expect(existsSync(join(dir, 'bad.zip'))).toBe(false);
    const noAuthors = await runCli([
      'export-model',
      '--model',
      join(dir, 'model'),
      '--out',
      join(dir, 'x.zip'),
      '--license',
      'MIT',
    ]);
    expect(noAuthors.code).toBe(2);
    expect(noAuthors.stderr).toContain("required option '--authors <names>' not specified");
  });
});
