import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import type { Annotation } from '../../shared/imageData';
import type { AnnotationStatus } from '../../shared/schemas';
import { fsError, syncDir, writeFileAtomic } from '../fsutil/index';

/** `annotations/<id>.classes.png` (8-bit class map) and `.instances.png` (16-bit object ids). */
export function annotationPaths(dir: string, imageId: string): { classes: string; instances: string } {
  return {
    classes: join(dir, 'annotations', `${imageId}.classes.png`),
    instances: join(dir, 'annotations', `${imageId}.instances.png`),
  };
}

async function readOptional(file: string): Promise<Uint8Array | null> {
  try {
    return await readFile(file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(error, file);
  }
}

function decodeLabel(bytes: Uint8Array, file: string, width: number, height: number, depth: 8 | 16) {
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new AppError('corrupt_file', `${file} is truncated or corrupt (${String(error)}).`);
  }
  if (png.width !== width || png.height !== height) {
    throw new AppError(
      'size_mismatch',
      `${file} is ${png.width}x${png.height} but its image is ${width}x${height}.`,
    );
  }
  if (png.channels !== 1 || png.depth !== depth || png.palette) {
    throw new AppError(
      'corrupt_file',
      `${file} must be a ${depth}-bit single-channel PNG (found ${png.depth}-bit, ${png.channels} channels).`,
    );
  }
  return png.data;
}

/**
 * Reads the label images of an image (`width` x `height`); never annotated -> all zeros.
 * Corrupt file -> 'corrupt_file', other size -> 'size_mismatch', each naming the file.
 */
export async function readAnnotation(
  dir: string,
  imageId: string,
  width: number,
  height: number,
): Promise<Annotation> {
  await rollForward(dir, imageId);
  const paths = annotationPaths(dir, imageId);
  const [classBytes, instanceBytes] = await Promise.all([
    readOptional(paths.classes),
    readOptional(paths.instances),
  ]);
  const classes =
    classBytes === null
      ? new Uint8Array(width * height)
      : new Uint8Array(decodeLabel(classBytes, paths.classes, width, height, 8));
  const instances =
    instanceBytes === null
      ? new Uint16Array(width * height)
      : new Uint16Array(decodeLabel(instanceBytes, paths.instances, width, height, 16));
  let maxId = 0;
  for (let i = 0; i < instances.length; i++) if (instances[i] > maxId) maxId = instances[i];
  return { imageId, width, height, classes, instances, nextInstanceId: maxId + 1 };
}

/** `annotations/<id>.commit.json`: the journal of a label-pair write (see writeAnnotation). */
function journalPath(dir: string, imageId: string): string {
  return join(dir, 'annotations', `${imageId}.commit.json`);
}

async function writeSynced(path: string, data: Uint8Array): Promise<void> {
  const handle = await open(path, 'w');
  try {
    await handle.writeFile(data);
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/**
 * Writes both label images as one atomic step: both are staged (written and fsynced beside
 * their targets), then a journal naming them is written atomically (the commit point), then
 * both are renamed into place and the journal removed. A crash before the journal leaves the
 * old pair; after it, the next read rolls the renames forward. (Two separate atomic writes
 * could leave new classes beside old instances after a kill -9 between them.)
 * Disk full / read-only -> AppError with the old pair intact.
 */
export async function writeAnnotation(dir: string, annotation: Annotation): Promise<void> {
  const { imageId, width, height } = annotation;
  const paths = annotationPaths(dir, imageId);
  const classes = encode({ width, height, data: annotation.classes, depth: 8, channels: 1 });
  const instances = encode({ width, height, data: annotation.instances, depth: 16, channels: 1 });
  const suffix = `.${randomBytes(6).toString('hex')}.pending`;
  const staged = {
    classes: `${imageId}.classes.png${suffix}`,
    instances: `${imageId}.instances.png${suffix}`,
  };
  const stagedPath = (name: string) => join(dir, 'annotations', name);
  try {
    await writeSynced(stagedPath(staged.classes), classes);
    await writeSynced(stagedPath(staged.instances), instances);
    await writeFileAtomic(journalPath(dir, imageId), JSON.stringify(staged));
  } catch (error) {
    await rm(stagedPath(staged.classes), { force: true }).catch(() => {});
    await rm(stagedPath(staged.instances), { force: true }).catch(() => {});
    throw fsError(error, paths.classes);
  }
  await rollForward(dir, imageId);
}

/** The journal's content: the staged file name of each label image. */
const journalSchema = z.object({ classes: z.string().optional(), instances: z.string().optional() });
type StagedNames = z.infer<typeof journalSchema>;

/** Completes a committed label-pair write left by a crash (no-op without a journal). */
async function rollForward(dir: string, imageId: string): Promise<void> {
  const journal = journalPath(dir, imageId);
  let staged: StagedNames;
  try {
    // A journal that is not the expected object names nothing: nothing to roll forward.
    staged = journalSchema.safeParse(JSON.parse(await readFile(journal, 'utf8'))).data ?? {};
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    if (!(error instanceof SyntaxError)) throw fsError(error, journal);
    staged = {};
  }
  const paths = annotationPaths(dir, imageId);
  for (const part of ['classes', 'instances'] as const) {
    const name = staged[part];
    // Only a staged file of this image in this folder (never a path taken from the journal).
    if (typeof name !== 'string' || !name.startsWith(`${imageId}.${part}.png.`) || /[\\/]/.test(name))
      continue;
    try {
      await rename(join(dir, 'annotations', name), paths[part]);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw fsError(error, paths[part]);
    }
  }
  await syncDir(join(dir, 'annotations'));
  await rm(journal, { force: true });
}

/** Labelled pixels (class != 0) and the number of distinct object ids (!= 0). */
export function annotationStatus(annotation: Pick<Annotation, 'classes' | 'instances'>): AnnotationStatus {
  let labelledPixels = 0;
  for (let i = 0; i < annotation.classes.length; i++) if (annotation.classes[i] !== 0) labelledPixels++;
  const seen = new Uint8Array(65536);
  let objects = 0;
  for (let i = 0; i < annotation.instances.length; i++) {
    const id = annotation.instances[i];
    if (id !== 0 && seen[id] === 0) {
      seen[id] = 1;
      objects++;
    }
  }
  return { labelledPixels, objects };
}

/**
 * Writes both label images whole as `<folder>/<imageId>.classes.png` and `.instances.png`
 * (each atomically): the files a training run reads. Returns their paths.
 */
export async function writeLabelPngs(
  folder: string,
  annotation: Annotation,
): Promise<{ classesPath: string; instancesPath: string }> {
  const { imageId, width, height } = annotation;
  const classesPath = join(folder, `${imageId}.classes.png`);
  const instancesPath = join(folder, `${imageId}.instances.png`);
  await writeFileAtomic(
    classesPath,
    encode({ width, height, data: annotation.classes, depth: 8, channels: 1 }),
  );
  await writeFileAtomic(
    instancesPath,
    encode({ width, height, data: annotation.instances, depth: 16, channels: 1 }),
  );
  return { classesPath, instancesPath };
}
