import { predictionFiles, readImage, readInterior, readNpy, storedObjects } from '../../engine/index';
import { AppError } from '../../shared/errors';
import type { Annotation } from '../../shared/imageData';

/**
 * The label images one exported image is made from: a class map and object ids (0 =
 * background), whatever their source. Ids are 32-bit so that no object count limits binary or
 * class masks; only a 16-bit instance file is limited (see writeMaskFiles).
 */
export interface ExportLabels {
  width: number;
  height: number;
  /** Class values as exported ('classes' masks). */
  classes: Uint8Array;
  /** The lowest class value that counts as foreground ('binary' masks, foreground_px). */
  firstForeground: number;
  instances: Uint32Array;
  /** Distinct object ids. */
  objects: number;
}

/**
 * A stored prediction as export labels: class values as the app numbers classes (network class
 * k is project class k + 1: 1 background, 2 the first object class), objects by the same seeded
 * watershed the app shows (engine instances/predictedObjects; split along the predicted object
 * borders where the model learned them and stored P(object interior)), objects under `minArea`
 * px dropped to background in both maps (so specks vanish from every mask and from objects.csv).
 * Not predicted -> 'not_found'; a damaged interior file -> 'corrupt_file' naming it.
 */
export async function predictionLabels(
  projectDir: string,
  modelId: string,
  imageId: string,
  minArea: number,
): Promise<ExportLabels> {
  const files = predictionFiles(projectDir, modelId, imageId);
  const map = await readImage(files.classes).catch((error: unknown) => {
    if (error instanceof AppError && error.code === 'not_found')
      throw new AppError('not_found', `not predicted with ${modelId} yet: predict it first`);
    throw error;
  });
  const { width, height } = map;
  if (map.channels !== 1 || map.bitDepth !== 8)
    throw new AppError('corrupt_file', `${files.classes} is not an 8-bit single-channel class map.`);
  const classes = Uint8Array.from(map.data);
  const npy = await readNpy(files.foreground);
  const foreground =
    npy.data instanceof Float32Array && npy.data.length === width * height ? npy.data : undefined;
  const interior = await readInterior(files.interior, width, height);
  const { labels, count } = storedObjects(classes, width, height, foreground, interior, minArea);
  // predictedObjects drops small objects from the ids only: they become background here too.
  const projectClasses = new Uint8Array(classes.length);
  for (let i = 0; i < classes.length; i++) {
    const dropped = minArea > 0 && classes[i] > 0 && labels[i] === 0;
    projectClasses[i] = dropped ? 1 : classes[i] + 1;
  }
  const instances = new Uint32Array(labels.buffer);
  return { width, height, classes: projectClasses, firstForeground: 2, instances, objects: count };
}

/**
 * A hand annotation as export labels: class ids as the app numbers them (0 unlabelled, 1
 * background, 2 and up foreground classes). Nothing labelled -> 'not_found'.
 */
export function annotationLabels(annotation: Annotation): ExportLabels {
  const { width, height, classes } = annotation;
  if (!classes.some((c) => c > 0)) throw new AppError('not_found', 'not annotated yet');
  const instances = Uint32Array.from(annotation.instances);
  const objects = new Set(instances).size - (instances.includes(0) ? 1 : 0);
  return { width, height, classes: classes.slice(), firstForeground: 2, instances, objects };
}
