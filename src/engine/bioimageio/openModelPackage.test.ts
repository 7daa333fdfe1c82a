import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { strToU8, zipSync } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { decodeNpy } from '../image/index';
import { createPackagePredictor, openModelPackage, packageModelInput } from './index';

// Written by test/fixtures/bioimageio/make_tiny_unet2d.py with PyTorch: padded convolutions,
// input 'raw' 48 x 48, zero_mean_unit_variance, output 'logits' with halo 4 and a sigmoid.
const fixture = join(__dirname, '../../../test/fixtures/bioimageio/tiny-unet2d');
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-package-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function zipFolder(
  folder: string,
  names: string[],
  out: string,
  edit?: (rdf: string) => string,
): Promise<string> {
  const files: Record<string, Uint8Array> = {};
  for (const name of names) files[name] = new Uint8Array(await readFile(join(folder, name)));
  if (edit) files['rdf.yaml'] = strToU8(edit(new TextDecoder().decode(files['rdf.yaml'])));
  await writeFile(out, zipSync(files));
  return out;
}
const NAMES = ['rdf.yaml', 'weights.onnx', 'test_input.npy', 'test_output.npy', 'README.md'];

describe('opening a bioimage.io package made elsewhere (PyTorch)', () => {
  it('reads names, axes, sizes, halo, steps from the folder and from a zip alike', async () => {
    const fromFolder = await openModelPackage(fixture);
    const fromZip = await openModelPackage(await zipFolder(fixture, NAMES, join(dir, 'tiny.zip')));
    for (const pkg of [fromFolder, fromZip]) {
      expect(pkg).toMatchObject({
        name: 'Tiny padded UNet 2D',
        inputName: 'raw',
        outputName: 'logits',
        inputAxes: ['batch', 'channel', 'y', 'x'],
        outputAxes: ['batch', 'channel', 'y', 'x'],
        channels: 1,
        inputSize: { min: 16, step: 4 },
        outputOffset: 0,
        halo: 4,
        outputChannels: 1,
        outputIsProbability: true,
        opset: 13,
      });
      expect(pkg.classes.map((c) => c.name)).toEqual(['background', 'probability']);
      expect(pkg.preprocessing.map((s) => s.id)).toEqual(['ensure_dtype', 'zero_mean_unit_variance']);
      expect(pkg.postprocessing.map((s) => s.id)).toEqual(['sigmoid']);
    }
  });

  it("its test_input through our preprocessing and predictor gives PyTorch's test_output (halo cropped)", async () => {
    const pkg = await openModelPackage(fixture);
    const input = decodeNpy(await readFile(join(fixture, 'test_input.npy')), 'test_input.npy');
    const expected = decodeNpy(await readFile(join(fixture, 'test_output.npy')), 'test_output.npy');
    const size = input.shape[3];
    const image = {
      width: size,
      height: size,
      channels: 1,
      bitDepth: 32 as const,
      data: Float32Array.from(input.data),
    };
    const predictor = await createPackagePredictor(pkg, { inputSize: size, executionProviders: ['cpu'] });
    try {
      expect([predictor.outputSize, predictor.classes]).toEqual([size - 8, 2]);
      const logits = await predictor.runTile(packageModelInput(image, pkg, 'test_input'));
      let worst = 0;
      for (let y = 0; y < size - 8; y++)
        for (let x = 0; x < size - 8; x++) {
          const i = y * (size - 8) + x;
          const p = Math.exp(logits[i * 2 + 1]) / (Math.exp(logits[i * 2]) + Math.exp(logits[i * 2 + 1]));
          worst = Math.max(worst, Math.abs(p - expected.data[(y + 4) * size + x + 4]));
        }
      expect(worst).toBeLessThan(1e-4);
      // The fixture is no constant: its object is found.
      expect(Math.max(...Array.from(expected.data))).toBeGreaterThan(0.9);
      expect(Math.min(...Array.from(expected.data))).toBeLessThan(0.1);
      await expect(async () => predictor.withInputSize(50)).rejects.toMatchObject({
        code: 'illegal_tile_size',
      });
    } finally {
      await predictor.dispose();
    }
  });
});

describe('packages this app cannot run are refused, naming the package', () => {
  it('format 0.4, no ONNX weights, a damaged weights file, not a zip, a 3D model', async () => {
    const cases: [string, (rdf: string) => string, string, RegExp][] = [
      [
        'v04.zip',
        (r) => r.replace('format_version: 0.5.4', 'format_version: 0.4.10'),
        'incompatible_model',
        /format 0\.4\.10/,
      ],
      [
        'torch.zip',
        (r) => r.replace('  onnx:', '  torchscript:'),
        'incompatible_model',
        /no ONNX weights \(the package has torchscript\)/,
      ],
      [
        'sha.zip',
        // One hex digit of the weights' SHA-256 changed.
        (r) =>
          r.replace(
            /(source: weights\.onnx\n\s+sha256: )(\w)/,
            (_, at: string, c: string) => at + (c === '0' ? '1' : '0'),
          ),
        'corrupt_file',
        /SHA-256/,
      ],
      [
        'z.zip',
        (r) =>
          r.replace(
            / {6}- type: space\n {8}id: x\n {8}size: \{min/,
            '      - type: space\n        id: z\n        size: {min',
          ),
        'incompatible_model',
        /not a 2D image/,
      ],
    ];
    for (const [name, edit, code, says] of cases) {
      const path = await zipFolder(fixture, NAMES, join(dir, name), edit);
      const error = await openModelPackage(path).then(
        () => undefined,
        (e: unknown) => e as { code: string; message: string },
      );
      expect([name, error?.code]).toEqual([name, code]);
      expect(error?.message).toContain(path);
      expect(error?.message).toMatch(says);
    }
    const text = join(dir, 'text.zip');
    await writeFile(text, 'not a zip');
    await expect(openModelPackage(text)).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/not a zip/),
    });
    const empty = join(dir, 'empty-folder');
    await cp(join(fixture, 'README.md'), join(empty, 'README.md'), { recursive: true });
    await expect(openModelPackage(empty)).rejects.toMatchObject({
      code: 'corrupt_file',
      message: expect.stringMatching(/no rdf.yaml/),
    });
    await expect(openModelPackage(join(dir, 'missing.zip'))).rejects.toMatchObject({ code: 'not_found' });
  });
});
