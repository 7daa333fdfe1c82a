import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ModelMetadata, NamedWeights, Normalization, UNetConfig } from '../model/index';

/** The parts of a training checkpoint (training/checkpointStore + runCheckpoint) a preview needs. */
interface CheckpointManifest {
  format: 'unet-studio-checkpoint';
  version: 1;
  step: number;
  files: Record<string, { bytes: number; sha256: string }>;
  tensors: { name: string; shape: number[]; dtype: 'float32' | 'int32'; offset: number; length: number }[];
}

interface CheckpointState {
  step: number;
  settings: { architecture: UNetConfig; tileSize: number };
  normalization: Normalization;
}

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
    const manifest = JSON.parse(await readFile(join(folder, 'manifest.json'), 'utf8')) as CheckpointManifest;
    if (manifest.format !== 'unet-studio-checkpoint' || manifest.version !== 1) return null;
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
    const state = JSON.parse(stateBytes.toString('utf8')) as CheckpointState;
    const weights: NamedWeights = new Map();
    for (const t of manifest.tensors) {
      if (!t.name.startsWith(MODEL_PREFIX) || t.dtype !== 'float32') continue;
      const start = tensors.byteOffset + t.offset;
      weights.set(t.name.slice(MODEL_PREFIX.length), {
        shape: t.shape,
        data: new Float32Array(tensors.buffer.slice(start, start + t.length * 4)),
      });
    }
    const { architecture, tileSize } = state.settings;
    return {
      step: manifest.step,
      weights,
      metadata: {
        format: 'unet-studio-model',
        version: 1,
        architecture,
        tileSize,
        classes: Array.from({ length: architecture.classes }, (_, i) => ({
          name: `class ${i}`,
          color: '#ffffff',
        })),
        normalization: state.normalization,
        provenance: { createdAt: new Date().toISOString(), steps: manifest.step },
      },
    };
  } catch {
    return null;
  }
}
