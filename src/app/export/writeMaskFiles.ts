import { basename, extname, join } from 'node:path';
import { isLargeImage, type RasterImage, writeFileAtomic, writePng, writeTiff } from '../../engine/index';
import type { ExportRequest, ExportResult, ExportSkip } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { Annotation } from '../../shared/imageData';
import type { ImageEntry } from '../../shared/schemas';
import { annotationLabels, type ExportLabels, predictionLabels } from './exportLabels';
import { writeLargeMask } from './largeMasks';

/** Name of the per-image table written beside the masks. */
export const EXPORT_CSV = 'objects.csv';

/** Float32 holds every integer up to 2^24 exactly: the most ids a 32-bit (float) TIFF holds. */
const MAX_FLOAT_IDS = 2 ** 24;

/**
 * Base name of an exported mask: the image's file name without extension (`_p<N>` per TIFF
 * page), prefixed with the image id for naming 'id' (ids are unique, so names never clash).
 */
export function exportBaseName(
  entry: Pick<ImageEntry, 'id' | 'name' | 'page' | 'pages'>,
  naming: ExportRequest['naming'] = 'name',
): string {
  const stem = basename(entry.name, extname(entry.name));
  const base = entry.pages > 1 ? `${stem}_p${entry.page}` : stem;
  return naming === 'id' ? `${entry.id}_${base}` : base;
}

/**
 * The mask of one kind: classes (8-bit class ids as the app numbers them), binary (0/255), instances (16-bit ids;
 * past 65535 ids a 32-bit float TIFF, exact to 2^24, or 'too_large' for PNG).
 */
export function maskImage(
  labels: ExportLabels,
  kind: ExportRequest['kind'],
  format: ExportRequest['format'],
): RasterImage {
  const { width, height, classes, firstForeground, instances, objects } = labels;
  switch (kind) {
    case 'classes':
      return { width, height, channels: 1, bitDepth: 8, data: classes.slice() };
    case 'binary':
      return {
        width,
        height,
        channels: 1,
        bitDepth: 8,
        data: classes.map((c) => (c >= firstForeground ? 255 : 0)),
      };
    case 'instances':
      if (objects <= 65535)
        return { width, height, channels: 1, bitDepth: 16, data: Uint16Array.from(instances) };
      if (format === 'tif' && objects < MAX_FLOAT_IDS)
        return { width, height, channels: 1, bitDepth: 32, data: Float32Array.from(instances) };
      throw new AppError(
        'too_large',
        `${objects.toLocaleString('en')} objects do not fit a 16-bit PNG (at most 65,535): ` +
          'choose TIFF (32-bit ids), binary masks, or a larger minimum object size',
      );
  }
}

/** Object count, foreground pixels and the objects' areas (px). */
export function objectAreas(labels: ExportLabels): { objects: number; foreground: number; areas: number[] } {
  const byId = new Map<number, number>();
  let foreground = 0;
  for (let i = 0; i < labels.instances.length; i++) {
    if (labels.classes[i] >= labels.firstForeground) foreground++;
    const id = labels.instances[i];
    if (id > 0) byId.set(id, (byId.get(id) ?? 0) + 1);
  }
  return { objects: byId.size, foreground, areas: [...byId.values()] };
}

const CSV_HEADER = [
  'image',
  'mask_file',
  'width',
  'height',
  'objects',
  'foreground_px',
  'mean_object_area_px',
  'min_object_area_px',
  'max_object_area_px',
];

/** RFC 4180 field: quoted when it holds a comma, quote or line break. */
function csvField(value: string | number): string {
  const text = String(value);
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

function csvRow(
  entry: ImageEntry,
  file: string,
  labels: Pick<ExportLabels, 'width' | 'height'> & ReturnType<typeof objectAreas>,
): string {
  const { objects, foreground, areas } = labels;
  let total = 0;
  let min = Number.POSITIVE_INFINITY;
  let max = 0;
  for (const a of areas) {
    total += a;
    min = Math.min(min, a);
    max = Math.max(max, a);
  }
  const row = [entry.name, file, labels.width, labels.height, objects, foreground];
  row.push(objects === 0 ? 0 : Number((total / objects).toFixed(2)), objects === 0 ? 0 : min, max);
  return row.map(csvField).join(',');
}

/** What the work process needs to export: the checked request and the images, annotations read. */
export interface ExportMasksTask {
  projectDir: string;
  request: ExportRequest;
  images: { entry: ImageEntry; annotation?: Annotation }[];
}

/**
 * Writes one mask per image into the request's folder (base names as exportBaseName, .png or
 * .tif) and objects.csv (one row per written image). Each image stands alone: one that cannot
 * be written (not predicted or not annotated, a name another image already took, too many
 * objects for the format, a damaged file) is skipped and reported, and the others are written.
 */
export async function exportMaskFiles(task: ExportMasksTask): Promise<ExportResult> {
  const { projectDir, request } = task;
  const files: string[] = [];
  const skipped: ExportSkip[] = [];
  const taken = new Map<string, string>();
  const rows = [CSV_HEADER.join(',')];
  for (const { entry, annotation } of task.images) {
    const skip = (reason: string) => skipped.push({ imageId: entry.id, name: entry.name, reason });
    const file = `${exportBaseName(entry, request.naming)}.${request.format}`;
    const holder = taken.get(file);
    if (holder !== undefined) {
      skip(`its mask would be named ${file} like ${holder}'s: choose "prefix the image id" for file names`);
      continue;
    }
    try {
      if (isLargeImage(entry)) {
        if (request.source === 'annotation' && entry.annotation.labelledPixels === 0) missingAnnotation();
        const path = join(request.folder, file);
        const summary = await writeLargeMask(projectDir, request, entry, path);
        taken.set(file, entry.name);
        files.push(path);
        rows.push(csvRow(entry, file, { width: entry.width, height: entry.height, ...summary }));
        continue;
      }
      const labels =
        request.source === 'annotation'
          ? annotationLabels(annotation ?? missingAnnotation())
          : await predictionLabels(projectDir, request.modelId ?? '', entry.id, request.minObjectArea ?? 0);
      const mask = maskImage(labels, request.kind, request.format);
      const path = join(request.folder, file);
      // A mask keeps the image's pixel size: a TIFF as ImageJ description + resolution tags (Fiji
      // shows µm), a PNG as a pHYs chunk in pixels per metre.
      const size = entry.pixelSize ? { pixelSize: entry.pixelSize } : {};
      if (request.format === 'tif') await writeTiff(path, mask, size);
      else await writePng(path, mask, size);
      taken.set(file, entry.name);
      files.push(path);
      rows.push(csvRow(entry, file, { ...labels, ...objectAreas(labels) }));
    } catch (error) {
      if (!(error instanceof AppError)) throw error;
      skip(error.message);
    }
  }
  const csv = join(request.folder, EXPORT_CSV);
  if (files.length > 0) await writeFileAtomic(csv, `${rows.join('\n')}\n`);
  return { folder: request.folder, files, csv: files.length > 0 ? csv : '', skipped };
}

function missingAnnotation(): never {
  throw new AppError('not_found', 'not annotated yet');
}
