import { basename, extname, join } from 'node:path';
import { type RasterImage, readPrediction, writeFileAtomic, writePng, writeTiff } from '../../engine/index';
import type { ExportRequest, ExportResult, Prediction } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { ImageEntry } from '../../shared/schemas';

/** Name of the per-image table written beside the masks. */
export const EXPORT_CSV = 'objects.csv';

/** Base name of an exported mask: the image's file name without extension (`_p<N>` per TIFF page). */
export function exportBaseName(entry: Pick<ImageEntry, 'name' | 'page' | 'pages'>): string {
  const stem = basename(entry.name, extname(entry.name));
  return entry.pages > 1 ? `${stem}_p${entry.page}` : stem;
}

/** The mask of one kind: classes (8-bit network classes), binary (0/255), instances (16-bit ids). */
export function maskImage(p: Prediction, kind: ExportRequest['kind']): RasterImage {
  const { width, height } = p;
  switch (kind) {
    case 'classes':
      return { width, height, channels: 1, bitDepth: 8, data: p.classes.slice() };
    case 'binary':
      return { width, height, channels: 1, bitDepth: 8, data: p.classes.map((c) => (c > 0 ? 255 : 0)) };
    case 'instances':
      return { width, height, channels: 1, bitDepth: 16, data: p.instances.slice() };
  }
}

/** Object count and areas (px) of a prediction's objects. */
export function objectAreas(p: Prediction): { objects: number; foreground: number; areas: number[] } {
  const areas = new Array<number>(p.objects).fill(0);
  let foreground = 0;
  for (let i = 0; i < p.instances.length; i++) {
    if (p.classes[i] > 0) foreground++;
    const id = p.instances[i];
    if (id > 0) areas[id - 1]++;
  }
  return { objects: p.objects, foreground, areas };
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

/**
 * Writes one mask per image into `folder` (same base names as the images, .png or .tif) and
 * objects.csv (one row per image: object count and areas). Two images with one base name ->
 * 'conflict' (their masks would overwrite each other); nothing is written then.
 */
export async function writeMaskFiles(
  request: ExportRequest,
  images: { entry: ImageEntry; prediction: Prediction }[],
): Promise<ExportResult> {
  const bases = images.map(({ entry }) => exportBaseName(entry));
  const duplicate = bases.find((b, i) => bases.indexOf(b) !== i);
  if (duplicate !== undefined) {
    throw new AppError(
      'conflict',
      `Two images export to the same name "${duplicate}"; export them separately.`,
    );
  }
  const files: string[] = [];
  const rows = [CSV_HEADER.join(',')];
  for (const [i, { entry, prediction }] of images.entries()) {
    const file = `${bases[i]}.${request.format}`;
    const path = join(request.folder, file);
    const mask = maskImage(prediction, request.kind);
    // A TIFF mask keeps the image's pixel size (ImageJ description + resolution tags: Fiji shows µm).
    if (request.format === 'tif')
      await writeTiff(path, mask, entry.pixelSize ? { pixelSize: entry.pixelSize } : {});
    else await writePng(path, mask);
    files.push(path);
    const { objects, foreground, areas } = objectAreas(prediction);
    const total = areas.reduce((a, b) => a + b, 0);
    rows.push(
      [
        entry.name,
        file,
        prediction.width,
        prediction.height,
        objects,
        foreground,
        objects === 0 ? 0 : Number((total / objects).toFixed(2)),
        objects === 0 ? 0 : areas.reduce((a, b) => Math.min(a, b)),
        objects === 0 ? 0 : areas.reduce((a, b) => Math.max(a, b)),
      ]
        .map(csvField)
        .join(','),
    );
  }
  const csv = join(request.folder, EXPORT_CSV);
  await writeFileAtomic(csv, `${rows.join('\n')}\n`);
  return { folder: request.folder, files, csv };
}

/** What the work process needs to export: the checked request and the predicted images. */
export interface ExportMasksTask {
  projectDir: string;
  request: ExportRequest;
  /** The model's class count (how its stored predictions are read). */
  classCount: number;
  images: ImageEntry[];
}

/** Reads the model's stored predictions of the images and writes their masks (writeMaskFiles). */
export async function exportMaskFiles(task: ExportMasksTask): Promise<ExportResult> {
  const { projectDir, request, classCount } = task;
  const images = [];
  for (const entry of task.images) {
    images.push({
      entry,
      prediction: await readPrediction(projectDir, request.modelId, entry.id, classCount),
    });
  }
  return writeMaskFiles(request, images);
}
