import { basename, extname } from 'node:path';
import type { ImportedMask, LabelFile, LabelImportReport, MaskReading } from '../../shared/dataImport';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';
import { decodeImageAsync, decodeImageInfoAsync } from '../image/index';
import { type ImportedLabels, labelsFromMask } from './labelsFromMask';
import type { Project } from './project';

/**
 * Endings that tools add to a mask's name: Cellpose `_cp_masks`, `_masks`, `_mask`, `_labels`,
 * `_label`, `_seg`, `_gt` (with `_`, `-` or `.` before them). Tried only when no image has the
 * mask's exact base name.
 */
const MASK_SUFFIX = /[_\-.](cp_masks|masks|mask|labels|label|seg|gt)$/i;

/** `cells.tif` -> `cells`; a page or plane of a stack (`stack.tif [2/5]`, `stack.tif [z 2/5]`) -> `stack`. */
function stemOf(name: string): string {
  // The page suffix first: `[2/5]` holds a slash.
  const base = basename(name.replace(/ \[[^\]]*\]$/, '').replaceAll('\\', '/'));
  return base.slice(0, base.length - extname(base).length);
}

/** A mask paired with a project image; for a stack's page, the mask's page that belongs to it. */
export interface LabelPair {
  maskName: string;
  image: ImageEntry;
  /** Set when the image is a page (or plane) of a stack: the mask is a stack of `image.pages` pages. */
  maskPage?: number;
}

/**
 * Pairs mask files with project images by base name (`a.tif` <- `a.png`, `a_masks.png`). The
 * pages (or hyperstack planes) of a stack match a mask stack of the same base name page by page:
 * page k of the mask is the labels of page k. Two images with one base name make their mask
 * ambiguous: 'invalid_argument' naming both.
 */
export function matchLabelFiles(
  names: readonly string[],
  images: readonly ImageEntry[],
): { pairs: LabelPair[]; unmatched: string[] } {
  // One key per single image, or per stack (its pages listed together, by page).
  const byStem = new Map<string, ImageEntry[][]>();
  const stacks = new Map<string, ImageEntry[]>();
  for (const image of images) {
    const key = stemOf(image.name).toLowerCase();
    if (image.pages > 1) {
      const pages = stacks.get(image.file) ?? [];
      if (pages.length === 0) byStem.set(key, [...(byStem.get(key) ?? []), pages]);
      pages.push(image);
      stacks.set(image.file, pages);
    } else byStem.set(key, [...(byStem.get(key) ?? []), [image]]);
  }
  const pairs: LabelPair[] = [];
  const unmatched: string[] = [];
  const taken = new Map<string, string>();
  for (const maskName of names) {
    const stem = stemOf(maskName).toLowerCase();
    const found = byStem.get(stem) ?? byStem.get(stem.replace(MASK_SUFFIX, '')) ?? [];
    if (found.length === 0) {
      unmatched.push(maskName);
      continue;
    }
    if (found.length > 1) {
      throw new AppError(
        'invalid_argument',
        `Mask ${maskName} matches ${found.length} images (${found.map((i) => i[0].name).join(', ')}): ` +
          'import it on the image it belongs to.',
      );
    }
    for (const image of found[0]) {
      const earlier = taken.get(image.id);
      if (earlier !== undefined) {
        throw new AppError(
          'invalid_argument',
          `Masks ${earlier} and ${maskName} both match image ${image.name}: keep one of them.`,
        );
      }
      taken.set(image.id, maskName);
      pairs.push(image.pages > 1 ? { maskName, image, maskPage: image.page } : { maskName, image });
    }
  }
  return { pairs, unmatched };
}

/**
 * Imports mask files as the annotations of project images, all or nothing: every mask is
 * decoded and checked (size, values, class ids) before the first one is written, so a bad file
 * leaves every annotation as it was. With `imageId` the one file belongs to that image;
 * otherwise files are matched by base name (matchLabelFiles). Each imported mask replaces its
 * image's annotation (every pixel labelled; see labelsFromMask). No match at all ->
 * 'invalid_argument' naming the files.
 */
export async function importLabels(
  project: Project,
  files: readonly LabelFile[],
  options: { imageId?: string; reading?: MaskReading } = {},
): Promise<LabelImportReport> {
  if (files.length === 0) throw new AppError('invalid_argument', 'No mask files given.');
  const snapshot = project.snapshot();
  let pairs: LabelPair[];
  let unmatched: string[] = [];
  if (options.imageId !== undefined) {
    if (files.length !== 1) {
      throw new AppError(
        'invalid_argument',
        `One mask per image: ${files.length} files given for one image.`,
      );
    }
    pairs = [{ maskName: files[0].name, image: project.image(options.imageId) }];
  } else {
    ({ pairs, unmatched } = matchLabelFiles(
      files.map((f) => f.name),
      snapshot.images,
    ));
    if (pairs.length === 0) {
      throw new AppError(
        'invalid_argument',
        `No image of the project has the base name of ${unmatched.slice(0, 5).join(', ')}` +
          `${unmatched.length > 5 ? ', ...' : ''} (masks are matched to images by file name without extension).`,
      );
    }
  }
  const bytesOf = new Map(files.map((f) => [f.name, f.bytes]));
  const prepared: { maskName: string; image: ImageEntry; labels: ImportedLabels }[] = [];
  for (const { maskName, image, maskPage } of pairs) {
    const bytes = bytesOf.get(maskName) ?? new Uint8Array();
    const info = await decodeImageInfoAsync(bytes, maskName);
    if (maskPage !== undefined && info.pages !== image.pages) {
      throw new AppError(
        'invalid_argument',
        `Mask ${maskName} has ${info.pages} page${info.pages === 1 ? '' : 's'} but the stack of ${image.name} ` +
          `has ${image.pages}: a stack's masks are matched page by page.`,
      );
    }
    if (maskPage === undefined && info.pages > 1) {
      throw new AppError(
        'invalid_argument',
        `Mask ${maskName} has ${info.pages} pages; a mask is one 2-D label image (for image ${image.name}).`,
      );
    }
    const [mask] = await decodeImageAsync(bytes, maskName, maskPage);
    const labels = labelsFromMask(
      mask,
      snapshot.classes,
      { maskName, imageName: image.name, width: image.width, height: image.height },
      options.reading,
    );
    prepared.push({ maskName, image, labels });
  }
  const imported: ImportedMask[] = [];
  for (const { maskName, image, labels } of prepared) {
    const { classes, instances, kind, objects } = labels;
    await project.saveAnnotationPatch(image.id, {
      x: 0,
      y: 0,
      w: image.width,
      h: image.height,
      classes,
      instances,
    });
    imported.push({
      imageId: image.id,
      imageName: image.name,
      maskName,
      kind,
      objects,
      replaced: image.annotation.labelledPixels > 0,
    });
  }
  return { imported, unmatched };
}
