import { mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { decode } from 'fast-png';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createTestService } from '../../../test/support/testService';
import { SAMPLE } from '../../shared/sample';
import type { StudioService } from '../studioService';
import { syntheticNuclei } from './syntheticNuclei';

let root: string;
let service: StudioService;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-sample-'));
  service = createTestService(root);
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('synthetic nuclei', () => {
  it('is deterministic, and its truth marks the bright blobs (mean inside >> outside)', () => {
    const a = syntheticNuclei('1');
    expect(syntheticNuclei('1').image).toEqual(a.image);
    expect(syntheticNuclei('2').image).not.toEqual(a.image);
    expect(a.count).toBeGreaterThanOrEqual(12);
    const sums = [0, 0];
    const counts = [0, 0];
    const ids = new Set<number>();
    for (let i = 0; i < a.image.length; i++) {
      const inside = a.instances[i] > 0 ? 1 : 0;
      sums[inside] += a.image[i];
      counts[inside]++;
      ids.add(a.instances[i]);
    }
    expect(ids.size).toBe(a.count + 1);
    expect(sums[1] / counts[1]).toBeGreaterThan(120);
    expect(sums[0] / counts[0]).toBeLessThan(40);
    // Nuclei cover a fair share of the field, not most of it.
    expect(counts[1] / a.image.length).toBeGreaterThan(0.08);
    expect(counts[1] / a.image.length).toBeLessThan(0.4);
  });
});

describe('openSample', () => {
  it('creates the sample once (annotated images, truth files), then reopens it as left', async () => {
    const h = service.handlers;
    const p = await h.openSample();
    expect(p.dir).toBe(join(root, SAMPLE.folderName));
    expect(p.name).toBe(SAMPLE.projectName);
    expect(p.classes.map((c) => c.name)).toEqual(['background', 'nucleus']);
    expect(p.images.map((i) => i.name)).toEqual([...SAMPLE.images]);
    expect(p.images.map((i) => i.annotation.labelledPixels > 0)).toEqual([true, true, true, false, false]);
    const first = syntheticNuclei('1');
    expect(p.images[0].annotation).toEqual({ labelledPixels: 256 * 256, objects: first.count });
    const ann = await h.getAnnotation(p.images[0].id);
    expect([...ann.instances]).toEqual([...first.instances]);
    expect([...ann.classes]).toEqual(Array.from(first.instances, (id) => (id > 0 ? 2 : 1)));
    const truth = decode(await readFile(join(p.dir, SAMPLE.truthFolder, 'nuclei_5.png')));
    expect(truth.depth).toBe(16);
    expect([...truth.data]).toEqual([...syntheticNuclei('5').instances]);

    await h.renameImage(p.images[4].id, 'mine.png');
    await h.closeProject();
    const again = await h.openSample();
    expect(again.dir).toBe(p.dir);
    expect(again.images[4].name).toBe('mine.png');
  });

  it('leaves a folder of that name that is not the sample alone', async () => {
    await mkdir(join(root, SAMPLE.folderName));
    const p = await service.handlers.openSample();
    expect(p.dir).toBe(join(root, `${SAMPLE.folderName}-2`));
  });
});
