import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyTiff } from '../../../test/fixtures/images/tinyTiff';
import { importLabels } from './importLabels';
import { Project } from './project';

let root: string;
let project: Project;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-stack-labels-'));
  project = await Project.create(join(root, 'p'), 'stack labels');
});
afterEach(async () => {
  await project.close();
  await rm(root, { recursive: true, force: true });
});

const W = 4;
const H = 3;
/** An 8-bit gray TIFF with one page per entry of `pages` (each a function of the pixel index). */
function stack(pages: ((i: number) => number)[]): Uint8Array {
  return tinyTiff(
    pages.map((value) => ({
      width: W,
      height: H,
      bitsPerSample: 8,
      sampleFormat: 1,
      bytes: Uint8Array.from({ length: W * H }, (_, i) => value(i)),
    })),
  );
}

describe('label import onto a stack', () => {
  it('matches a mask stack to the pages of a stack by page index', async () => {
    const pages = await project.importBytes('cells.tif', stack([(i) => i, (i) => 2 * i, (i) => 3 * i]));
    expect(pages.map((p) => p.name)).toEqual(['cells.tif [1/3]', 'cells.tif [2/3]', 'cells.tif [3/3]']);
    // Page k's mask marks pixel k (and page 3 also pixel 11).
    const masks = stack([
      (i) => (i === 0 ? 255 : 0),
      (i) => (i === 1 ? 255 : 0),
      (i) => (i === 2 || i === 11 ? 255 : 0),
    ]);
    const report = await importLabels(project, [{ name: 'cells_masks.tif', bytes: masks }]);
    expect(report.unmatched).toEqual([]);
    expect(report.imported.map((r) => [r.imageName, r.maskName, r.objects])).toEqual([
      ['cells.tif [1/3]', 'cells_masks.tif', 1],
      ['cells.tif [2/3]', 'cells_masks.tif', 1],
      ['cells.tif [3/3]', 'cells_masks.tif', 2],
    ]);
    for (const [k, page] of pages.entries()) {
      const { classes } = await project.readAnnotation(page.id);
      const expected = Array.from({ length: W * H }, (_, i) => (i === k || (k === 2 && i === 11) ? 2 : 1));
      expect(Array.from(classes.subarray(0, W * H))).toEqual(expected);
    }
  });

  it('refuses a mask stack of another page count, naming both, and imports nothing', async () => {
    const pages = await project.importBytes('cells.tif', stack([(i) => i, (i) => 2 * i, (i) => 3 * i]));
    const masks = stack([() => 255, () => 0]);
    await expect(importLabels(project, [{ name: 'cells.tif', bytes: masks }])).rejects.toThrow(
      "Mask cells.tif has 2 pages but the stack of cells.tif [1/3] has 3: a stack's masks are matched page by page.",
    );
    for (const page of pages) expect(project.image(page.id).annotation.labelledPixels).toBe(0);
  });
});
