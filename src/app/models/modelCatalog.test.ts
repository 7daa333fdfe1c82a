import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { tinyModelMetadata } from '../../../test/support/tinyModel';
import { modelFolder } from '../../engine/index';
import { listModels, modelInfo } from './modelCatalog';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'unet-catalog-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

/** A model folder's metadata.json (all the catalogue reads) with `classes` network classes. */
async function writeModel(id: string, classes: number, more: Record<string, unknown> = {}): Promise<void> {
  const architecture = { depth: 2, baseFilters: 4, inputChannels: 1, classes, dropout: 0 };
  const metadata = {
    ...tinyModelMetadata(architecture, 92, { scale: 255, mean: [0.5], std: [0.25] }),
    provenance: { createdAt: '2026-01-01T00:00:00Z', steps: 40 },
    metrics: { validationForegroundIoU: 0.8 },
    ...more,
  };
  const folder = modelFolder(dir, id);
  await mkdir(folder, { recursive: true });
  await writeFile(join(folder, 'metadata.json'), JSON.stringify(metadata));
}

describe('model catalogue', () => {
  it('reports a model that learned object borders with the 2 classes it predicts, and says so', async () => {
    await writeModel('run_borders01.best', 3, { objectBorders: true });
    await writeModel('run_plain001.best', 3);
    const borders = await modelInfo(dir, 'run_borders01.best');
    expect(borders).toMatchObject({ classes: 2, objectBorders: true, depth: 2, baseFilters: 4 });
    expect(borders.label).toBe('run_borders01 best on validation (val IoU 0.800, step 40, object borders)');
    // A 3-class network without object borders predicts 3 classes, and carries no flag.
    const plain = await modelInfo(dir, 'run_plain001.best');
    expect(plain.classes).toBe(3);
    expect('objectBorders' in plain).toBe(false);
    expect(plain.label).toBe('run_plain001 best on validation (val IoU 0.800, step 40)');
    const listed = await listModels(dir);
    expect(listed.map((m) => [m.modelId, m.classes, m.objectBorders])).toEqual([
      ['run_plain001.best', 3, undefined],
      ['run_borders01.best', 2, true],
    ]);
  });
});
