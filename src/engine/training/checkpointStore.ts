import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { fsError, pathExists, syncDir, writeFileAtomic } from '../fsutil/atomicWrite';

/** A named tensor as plain data (weights, optimiser slots). */
export interface CheckpointTensor {
  name: string;
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** What a checkpoint holds: JSON state (step, RNG, config...) and tensors. */
export interface CheckpointData<State> {
  step: number;
  state: State;
  tensors: CheckpointTensor[];
}

/** `checkpoint/manifest.json`: the step, each file's size and SHA-256, where each tensor lies in tensors.bin. */
export const checkpointManifestSchema = z.looseObject({
  format: z.literal('unet-studio-checkpoint'),
  version: z.literal(1),
  step: z.number().int().min(0),
  files: z.record(z.string(), z.object({ bytes: z.number().int().min(0), sha256: z.string() })),
  tensors: z.array(
    z.object({
      name: z.string(),
      shape: z.array(z.number().int().min(0)),
      dtype: z.enum(['float32', 'int32']),
      offset: z.number().int().min(0),
      length: z.number().int().min(0),
    }),
  ),
});
type Manifest = z.infer<typeof checkpointManifestSchema>;

const FOLDER = 'checkpoint';
const MANIFEST = 'manifest.json';

/**
 * Writes outDir/checkpoint atomically: every file goes into a fresh `checkpoint.tmp-XXXX` folder
 * (each fsynced, the manifest with sizes and SHA-256 last), then the old folder is renamed
 * aside, the new one renamed into place and the old one removed. A kill between the two renames
 * leaves two complete folders and no `checkpoint`; `loadCheckpoint` picks the newest complete
 * one. Returns the checkpoint folder path.
 */
export async function saveCheckpoint<State>(outDir: string, data: CheckpointData<State>): Promise<string> {
  const target = join(outDir, FOLDER);
  const temp = join(outDir, `${FOLDER}.tmp-${randomBytes(4).toString('hex')}`);
  try {
    await recoverCheckpoint(outDir);
    await mkdir(temp, { recursive: true });
    const { bytes, entries } = packTensors(data.tensors);
    const stateText = JSON.stringify(data.state);
    await writeFileAtomic(join(temp, 'tensors.bin'), bytes);
    await writeFileAtomic(join(temp, 'state.json'), stateText);
    const manifest: Manifest = {
      format: 'unet-studio-checkpoint',
      version: 1,
      step: data.step,
      files: {
        'tensors.bin': { bytes: bytes.byteLength, sha256: sha256(bytes) },
        'state.json': { bytes: Buffer.byteLength(stateText), sha256: sha256(Buffer.from(stateText)) },
      },
      tensors: entries,
    };
    await writeFileAtomic(join(temp, MANIFEST), JSON.stringify(manifest));
    const aside = join(outDir, `${FOLDER}.old-${randomBytes(4).toString('hex')}`);
    const hadOld = await pathExists(target);
    if (hadOld) await rename(target, aside);
    await rename(temp, target);
    await syncDir(outDir);
    if (hadOld) await rm(aside, { recursive: true, force: true });
    return target;
  } catch (error) {
    await rm(temp, { recursive: true, force: true }).catch(() => {});
    throw fsError(error, target);
  }
}

/**
 * Loads the newest complete checkpoint of outDir (repairing an interrupted swap first), or null
 * when there is none. A folder whose files do not match its manifest is ignored; a state.json
 * that does not fit `stateSchema` is 'corrupt_file' (without one, the state is not checked).
 */
export async function loadCheckpoint<State>(
  outDir: string,
  stateSchema: z.ZodType<State> = z.unknown() as z.ZodType<State>,
): Promise<CheckpointData<State> | null> {
  const folder = await recoverCheckpoint(outDir);
  if (folder === null) return null;
  const manifest = await readManifest(folder);
  if (manifest === null) return null;
  const bytes = await readFile(join(folder, 'tensors.bin'));
  const parsed = stateSchema.safeParse(JSON.parse(await readFile(join(folder, 'state.json'), 'utf8')));
  if (!parsed.success) {
    throw new AppError(
      'corrupt_file',
      `${join(folder, 'state.json')} is not a checkpoint state`,
      parsed.error.message,
    );
  }
  const state = parsed.data;
  const tensors = manifest.tensors.map((entry) => {
    const slice = bytes.buffer.slice(
      bytes.byteOffset + entry.offset,
      bytes.byteOffset + entry.offset + entry.length * 4,
    );
    const data = entry.dtype === 'int32' ? new Int32Array(slice) : new Float32Array(slice);
    return { name: entry.name, shape: entry.shape, dtype: entry.dtype, data };
  });
  return { step: manifest.step, state, tensors };
}

/**
 * Finds the complete checkpoint folders (`checkpoint`, `checkpoint.tmp-*`, `checkpoint.old-*`),
 * keeps the newest at outDir/checkpoint and removes the rest. Returns its path or null.
 */
export async function recoverCheckpoint(outDir: string): Promise<string | null> {
  let names: string[];
  try {
    names = await readdir(outDir);
  } catch {
    return null;
  }
  const candidates = names.filter(
    (n) => n === FOLDER || n.startsWith(`${FOLDER}.tmp-`) || n.startsWith(`${FOLDER}.old-`),
  );
  let best: { name: string; step: number } | null = null;
  for (const name of candidates) {
    const manifest = await readManifest(join(outDir, name));
    if (manifest === null) continue;
    const better =
      best === null || manifest.step > best.step || (manifest.step === best.step && name === FOLDER);
    if (better) best = { name, step: manifest.step };
  }
  for (const name of candidates) {
    if (name !== best?.name && name !== FOLDER)
      await rm(join(outDir, name), { recursive: true, force: true });
  }
  if (best === null) {
    await rm(join(outDir, FOLDER), { recursive: true, force: true });
    return null;
  }
  const target = join(outDir, FOLDER);
  if (best.name !== FOLDER) {
    await rm(target, { recursive: true, force: true });
    await rename(join(outDir, best.name), target);
    await syncDir(outDir);
  }
  return target;
}

/** The manifest of a folder if every file it lists is there with the right size and hash. */
async function readManifest(folder: string): Promise<Manifest | null> {
  try {
    const parsed = checkpointManifestSchema.safeParse(
      JSON.parse(await readFile(join(folder, MANIFEST), 'utf8')),
    );
    if (!parsed.success) return null;
    const manifest = parsed.data;
    for (const [file, expected] of Object.entries(manifest.files)) {
      const content = await readFile(join(folder, file));
      if (content.byteLength !== expected.bytes || sha256(content) !== expected.sha256) return null;
    }
    return manifest;
  } catch {
    return null;
  }
}

function packTensors(tensors: CheckpointTensor[]): { bytes: Uint8Array; entries: Manifest['tensors'] } {
  const total = tensors.reduce((sum, t) => sum + t.data.length, 0);
  const bytes = new Uint8Array(total * 4);
  const entries: Manifest['tensors'] = [];
  let offset = 0;
  for (const t of tensors) {
    const expected = t.shape.reduce((a, b) => a * b, 1);
    if (expected !== t.data.length) {
      throw new AppError(
        'internal',
        `checkpoint tensor ${t.name}: shape ${t.shape} does not match ${t.data.length} values`,
      );
    }
    bytes.set(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength), offset);
    entries.push({ name: t.name, shape: t.shape, dtype: t.dtype, offset, length: t.data.length });
    offset += t.data.byteLength;
  }
  return { bytes, entries };
}

function sha256(data: Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}
