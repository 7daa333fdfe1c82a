import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itNeeds, pythonWith } from '../../../test/support/requirement';
import { AppError } from '../../shared/errors';
import { decodeNpy, encodeNpy, readNpy, writeNpy } from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-npy-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** numpy reads and writes the files too (skipped, saying so, where it is missing; fails under CI). */
const numpy = pythonWith(['numpy'], ['python3-numpy']);
const { python } = numpy;

describe('NPY v1.0 header, byte by byte (numpy.lib.format spec)', () => {
  it('float32 2x3: magic, version, header length, padded dict, little-endian data', () => {
    const bytes = encodeNpy({ shape: [2, 3], data: Float32Array.from([1, -2, 0.5, 3, 4, 1e-3]) });
    // "\x93NUMPY" then major 1, minor 0
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
    const headerLength = bytes[8] | (bytes[9] << 8); // little-endian unsigned short
    // The dict below is 58 characters; 10 + 58 + 1 = 69 -> padded with spaces to 128.
    expect(headerLength).toBe(118);
    const header = String.fromCharCode(...bytes.subarray(10, 10 + headerLength));
    const dict = "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }";
    expect(header).toBe(`${dict}${' '.repeat(118 - dict.length - 1)}\n`);
    expect((10 + headerLength) % 64).toBe(0);
    const data = new DataView(bytes.buffer, bytes.byteOffset + 128);
    expect(bytes.length).toBe(128 + 24);
    expect([0, 1, 2, 3, 4, 5].map((i) => data.getFloat32(i * 4, true))).toEqual([
      1,
      -2,
      0.5,
      3,
      4,
      Math.fround(1e-3),
    ]);
  });

  it('uint8 RGB image is stored as (height, width, 3) with descr |u1; 1-D shape gets a trailing comma', () => {
    const img = {
      width: 2,
      height: 1,
      channels: 3 as const,
      bitDepth: 8 as const,
      data: Uint8Array.from([1, 2, 3, 4, 5, 6]),
    };
    const header = String.fromCharCode(...encodeNpy(img).subarray(10, 74));
    expect(header.startsWith("{'descr': '|u1', 'fortran_order': False, 'shape': (1, 2, 3), }")).toBe(true);
    const oneD = String.fromCharCode(...encodeNpy({ shape: [5], data: new Uint16Array(5) }).subarray(10, 74));
    expect(oneD.startsWith("{'descr': '<u2', 'fortran_order': False, 'shape': (5,), }")).toBe(true);
  });
});

describe('round trips and bad input', () => {
  it('uint8, uint16, float32 come back identical', async () => {
    const arrays = [
      { shape: [3, 4], data: Uint8Array.from({ length: 12 }, (_, i) => i * 20) },
      { shape: [2, 2, 2], data: Uint16Array.from([0, 1, 256, 65535, 7, 8, 9, 10]) },
      { shape: [5], data: Float32Array.from([Number.NaN, -0, 1.5, 3e38, -7]) },
    ];
    for (const [i, a] of arrays.entries()) {
      const path = join(dir, `a${i}.npy`);
      await writeNpy(path, a);
      const back = await readNpy(path);
      expect(back.shape).toEqual(a.shape);
      expect(back.data.constructor).toBe(a.data.constructor);
      expect(Array.from(back.data)).toEqual(Array.from(a.data));
    }
  });

  it('truncated data, foreign files and unsupported dtypes are AppErrors', () => {
    const good = encodeNpy({ shape: [4], data: new Float32Array(4) });
    expect(() => decodeNpy(good.subarray(0, good.length - 1), 'cut.npy')).toThrow(
      /cut\.npy: the \.npy data is truncated/,
    );
    expect(() => decodeNpy(new TextEncoder().encode('not numpy at all'), 'x.npy')).toThrow(AppError);
    const f8 = good.slice();
    f8.set(new TextEncoder().encode("'<f8'"), 10 + "{'descr': ".length);
    expect(() => decodeNpy(f8, 'f8.npy')).toThrow(/dtype <f8 is not supported/);
    expect(() => encodeNpy({ shape: [3], data: new Float32Array(4) })).toThrow(/does not hold 4 values/);
  });

  itNeeds(numpy)('numpy.load reads what we write (dtype, shape, values)', async () => {
    const path = join(dir, 'for-numpy.npy');
    await writeNpy(path, {
      width: 3,
      height: 2,
      channels: 1,
      bitDepth: 16,
      data: Uint16Array.from([0, 1, 2, 300, 40000, 65535]),
    });
    const fpath = join(dir, 'for-numpy-f.npy');
    await writeNpy(fpath, { shape: [2, 2, 1], data: Float32Array.from([0.25, -1, 2, 1e6]) });
    const script = `import numpy, sys
a = numpy.load(sys.argv[1]); b = numpy.load(sys.argv[2])
print(a.dtype, a.shape, a.ravel().tolist(), b.dtype, b.shape, b.ravel().tolist())`;
    const run = spawnSync(python, ['-c', script, path, fpath], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout.trim()).toBe(
      'uint16 (2, 3) [0, 1, 2, 300, 40000, 65535] float32 (2, 2, 1) [0.25, -1.0, 2.0, 1000000.0]',
    );
  });

  itNeeds(numpy)('we read what numpy.save writes', async () => {
    const path = join(dir, 'from-numpy.npy');
    const run = spawnSync(python, [
      '-c',
      'import numpy, sys; numpy.save(sys.argv[1], numpy.arange(6, dtype="<f4").reshape(3, 2) / 4)',
      path,
    ]);
    expect(run.status).toBe(0);
    const back = await readNpy(path);
    expect(back.shape).toEqual([3, 2]);
    expect(Array.from(back.data)).toEqual([0, 0.25, 0.5, 0.75, 1, 1.25]);
  });
});
