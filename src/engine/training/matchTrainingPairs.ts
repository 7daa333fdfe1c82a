import { AppError } from '../../shared/errors';
import { indexByBaseName, listImages } from '../image/index';
import type { TrainImage } from './trainConfig';

/** Images paired with label images of the same base name, and what found no partner. */
export interface MatchedPairs {
  pairs: TrainImage[];
  /** Images without a label (not used for training). */
  unlabelledImages: string[];
  /** Labels without an image. */
  orphanLabels: string[];
}

/**
 * Pairs every image in `imagesDir` with the label image in `labelsDir` that has the same base
 * name (`cell_01.tif` with `cell_01.png`). Labels are masks: binary (nonzero = foreground, objects
 * = connected components) or 16-bit instance ids. AppError('not_found') when nothing pairs;
 * 'invalid_argument' when a base name is ambiguous (`a.png` and `a.tif` in one folder).
 */
export async function matchTrainingPairs(imagesDir: string, labelsDir: string): Promise<MatchedPairs> {
  const images = indexByBaseName(await listImages(imagesDir), imagesDir);
  const labels = indexByBaseName(await listImages(labelsDir), labelsDir);
  const pairs: TrainImage[] = [];
  const unlabelledImages: string[] = [];
  for (const [name, image] of images) {
    const label = labels.get(name);
    if (label === undefined) unlabelledImages.push(image);
    else pairs.push({ image, annotation: { kind: 'mask', path: label } });
  }
  const orphanLabels = [...labels].filter(([name]) => !images.has(name)).map(([, path]) => path);
  if (pairs.length === 0) {
    throw new AppError(
      'not_found',
      `No image in ${imagesDir} has a label image of the same base name in ${labelsDir} ` +
        `(${images.size} images, ${labels.size} labels).`,
    );
  }
  return { pairs, unlabelledImages, orphanLabels };
}
