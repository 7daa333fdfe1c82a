import { spawnSync } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { itNeeds, pythonWith } from '../../../test/support/requirement';
import { decodeImage, encodeTiff, type MultiChannelImage, type RasterImage, writeTiff } from './index';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-tiff-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

// Independent readers (skipped, saying so, where they are missing; under CI they must be there).
const withTifffile = pythonWith(['numpy', 'tifffile'], ['python3-numpy', 'python3-tifffile']);
const withPil = pythonWith(['numpy', 'PIL.Image'], ['python3-numpy', 'python3-pil']);

const images: Record<string, RasterImage> = {
  u8: { width: 3, height: 2, channels: 1, bitDepth: 8, data: Uint8Array.from([0, 1, 2, 100, 200, 255]) },
  u16: {
    width: 3,
    height: 2,
    channels: 1,
    bitDepth: 16,
    data: Uint16Array.from([0, 1, 256, 1000, 40000, 65535]),
  },
  f32: {
    width: 3,
    height: 2,
    channels: 1,
    bitDepth: 32,
    data: Float32Array.from([0, -1.5, 0.25, 3, 1e6, -7]),
  },
  rgb8: { width: 2, height: 1, channels: 3, bitDepth: 8, data: Uint8Array.from([10, 20, 30, 40, 50, 60]) },
  rgb16: {
    width: 2,
    height: 1,
    channels: 3,
    bitDepth: 16,
    data: Uint16Array.from([10, 2000, 30000, 4, 5, 65535]),
  },
};

describe('writeTiff', () => {
  it('writes a classic TIFF our reader reads back exactly, with no geographic claims', async () => {
    for (const img of Object.values(images)) {
      const bytes = await encodeTiff(img);
      expect(decodeImage(bytes, 'x.tif')[0]).toEqual(img);
      // no GeographicTypeGeoKey citation text ("WGS 84") in the file
      expect(Buffer.from(bytes).includes('WGS 84')).toBe(false);
    }
  });

  itNeeds(withTifffile)('tifffile reads the same dtype, shape and values', async () => {
    const paths: string[] = [];
    for (const [name, img] of Object.entries(images)) {
      const path = join(dir, `${name}.tif`);
      await writeTiff(path, img);
      paths.push(path);
    }
    const script = `import sys, tifffile
for p in sys.argv[1:]:
    a = tifffile.imread(p)
    print(a.dtype, a.shape, a.ravel().tolist())`;
    const run = spawnSync(withTifffile.python, ['-W', 'ignore', '-c', script, ...paths], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'uint8 (2, 3) [0, 1, 2, 100, 200, 255]',
      'uint16 (2, 3) [0, 1, 256, 1000, 40000, 65535]',
      'float32 (2, 3) [0.0, -1.5, 0.25, 3.0, 1000000.0, -7.0]',
      'uint8 (1, 2, 3) [10, 20, 30, 40, 50, 60]',
      'uint16 (1, 2, 3) [10, 2000, 30000, 4, 5, 65535]',
    ]);
  });

  itNeeds(withPil)('Pillow reads the gray 8/16/float and RGB 8-bit files', async () => {
    const names = ['u8', 'u16', 'f32', 'rgb8'];
    const paths: string[] = [];
    for (const name of names) {
      const path = join(dir, `pil-${name}.tif`);
      await writeTiff(path, images[name]);
      paths.push(path);
    }
    const script = `import sys, numpy
from PIL import Image
for p in sys.argv[1:]:
    a = numpy.array(Image.open(p))
    print(a.shape, a.ravel().tolist())`;
    const run = spawnSync(withPil.python, ['-c', script, ...paths], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      '(2, 3) [0, 1, 2, 100, 200, 255]',
      '(2, 3) [0, 1, 256, 1000, 40000, 65535]',
      '(2, 3) [0.0, -1.5, 0.25, 3.0, 1000000.0, -7.0]',
      '(1, 2, 3) [10, 20, 30, 40, 50, 60]',
    ]);
  });

  itNeeds(withTifffile)('tifffile reads the ImageJ pixel size and a 2-channel hyperstack', async () => {
    const two: MultiChannelImage = {
      width: 3,
      height: 2,
      channels: 2,
      bitDepth: 16,
      data: Uint16Array.from([1, 100, 2, 200, 3, 300, 4, 400, 5, 500, 6, 60000]),
    };
    const hyper = join(dir, 'two.tif');
    await writeTiff(hyper, two, { pixelSize: { x: 0.325, y: 0.5 } });
    const rgb = join(dir, 'rgb-um.tif');
    await writeTiff(rgb, images.rgb8, { pixelSize: { x: 2, y: 2 } });
    const script = `import sys, tifffile
for p in sys.argv[1:]:
    with tifffile.TiffFile(p) as t:
        page = t.pages[0]
        xr, yr = page.tags['XResolution'].value, page.tags['YResolution'].value
        ij = t.imagej_metadata
        a = t.asarray()
        print(t.is_imagej, ij.get('unit'), ij.get('channels'), round(xr[1] / xr[0], 9), round(yr[1] / yr[0], 9), a.dtype, a.shape, a.ravel().tolist())`;
    const run = spawnSync(withTifffile.python, ['-W', 'ignore', '-c', script, hyper, rgb], {
      encoding: 'utf8',
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual([
      'True micron 2 0.325 0.5 uint16 (2, 2, 3) [1, 2, 3, 4, 5, 6, 100, 200, 300, 400, 500, 60000]',
      'True micron None 2.0 2.0 uint8 (1, 2, 3) [10, 20, 30, 40, 50, 60]',
    ]);
    // Our own reader sees the hyperstack as its two pages.
    const pages = decodeImage(await encodeTiff(two, 'two', { pixelSize: { x: 1, y: 1 } }), 'two.tif');
    expect(pages.map((p) => Array.from(p.data))).toEqual([
      [1, 2, 3, 4, 5, 6],
      [100, 200, 300, 400, 500, 60000],
    ]);
  });
});
