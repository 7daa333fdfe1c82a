import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelMetadata, NamedWeights } from '../model/index';
import { checkpointManifestSchema } from './checkpointStore';
import { trainedModelMetadata } from './modelMetadata';
import { runStateSchema } from './runCheckpoint';

/** A checkpoint's U-Net weights with metadata enough to predict. */
export interface CheckpointModel {
  step: number;
  weights: NamedWeights;
  metadata: ModelMetadata;
}

const MODEL_PREFIX = 'model/';

const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('hex');

/**
 * Reads `<runDir>/checkpoint` WITHOUT touching it (no recovery, no clean-up: the training process
 * may be writing its next checkpoint meanwhile). The folder is swapped by renames, so the files
 * are checked against the manifest's sizes and SHA-256: a read that straddles a swap mismatches
 * and yields null (the caller tries again or falls back), as does a missing or foreign checkpoint.
 */
export async function readCheckpointModel(runDir: string): Promise<CheckpointModel | null> {
  const folder = join(runDir, 'checkpoint');
  try {
    const manifest = checkpointManifestSchema.safeParse(
      JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')),
    ).data;
    if (manifest === undefined) return null;
    const [tensors, stateBytes] = await Promise.all([
      readFile(join(folder, 'tensors.bin')),
      readFile(join(folder, 'state.json')),
    ]);
    for (const [name, bytes] of [
      ['tensors.bin', tensors],
      ['state.json', stateBytes],
    ] as const) {
      const expected = manifest.files[name];
      if (expected === undefined || bytes.byteLength !== expected.bytes || sha256(bytes) !== expected.sha256)
        return null;
    }
    const state = runStateSchema.safeParse(JSON.parse(stateBytes.toString('utf8'))).data;
    if (state === undefined) return null;
    const weights: NamedWeights = new Map();
    for (const t of manifest.tensors) {
      if (!t.name.startsWith(MODEL_PREFIX) || t.dtype !== 'float32') continue;
      const start = tensors.byteOffset + t.offset;
      weights.set(t.name.slice(MODEL_PREFIX.length), {
        shape: t.shape,
        data: new Float32Array(tensors.buffer.slice(start, start + t.length * 4)),
      });
    }
    const { architecture, tileSize, objectBorders } = state.settings;
    return {
      step: manifest.step,
      weights,
      metadata: trainedModelMetadata({
        architecture,
        tileSize,
        normalization: state.normalization,
        objectBorders,
        provenance: { steps: manifest.step },
      }),
    };
  } catch {
    return null;
  }
}
