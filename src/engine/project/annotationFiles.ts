import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import type { Annotation } from '../../shared/api';
import { AppError } from '../../shared/errors';
import type { AnnotationStatus } from '../../shared/schemas';
import { fsError, writeFileAtomic } from '../fsutil/index';

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
  const paths = annotationPaths(dir, imageId);
  const [classBytes, instanceBytes] = await Promise.all([
    readOptional(paths.classes),
    readOptional(paths.instances),
  ]);
  const classes =
    classBytes === null
      ? new Uint8Array(width * height)
      : Uint8Array.from(decodeLabel(classBytes, paths.classes, width, height, 8));
  const instances =
    instanceBytes === null
      ? new Uint16Array(width * height)
      : Uint16Array.from(decodeLabel(instanceBytes, paths.instances, width, height, 16));
  let maxId = 0;
  for (let i = 0; i < instances.length; i++) if (instances[i] > maxId) maxId = instances[i];
  return { imageId, width, height, classes, instances, nextInstanceId: maxId + 1 };
}

/** Writes both label images, each atomically (classes first, then instances). */
export async function writeAnnotation(dir: string, annotation: Annotation): Promise<void> {
  const paths = annotationPaths(dir, annotation.imageId);
  const { width, height } = annotation;
  await writeFileAtomic(
    paths.classes,
    encode({ width, height, data: annotation.classes, depth: 8, channels: 1 }),
  );
  await writeFileAtomic(
    paths.instances,
    encode({ width, height, data: annotation.instances, depth: 16, channels: 1 }),
  );
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
