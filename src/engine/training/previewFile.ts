import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { decode, encode } from 'fast-png';
import { z } from 'zod';
import { AppError } from '../../shared/errors';
import { fsError, writeFileAtomic } from '../fsutil/index';

/** A training preview of one image: the network's classes and foreground probability at a step. */
export interface TrainingPreview {
  /** Training step of the weights that computed it. */
  step: number;
  /** When it was written (ISO time). */
  at: string;
  width: number;
  height: number;
  classCount: number;
  /** Arg-max network class per pixel. */
  classes: Uint8Array;
  /** Foreground probability per pixel (1 - P(background)), in steps of 1/255. */
  foreground: Float32Array;
  /** P(object interior) of a run that learns object borders, in steps of 1/255. */
  interior?: Float32Array;
}

/** PNG text key of the preview's step, time and class count. */
const TEXT_KEY = 'unet-studio-preview';
const infoSchema = z.object({
  version: z.union([z.literal(1), z.literal(2)]),
  step: z.number().int().min(0),
  at: z.string(),
  classCount: z.number().int().min(1).max(255),
});

/** Image ids name preview files: path-safe tokens only. */
const SAFE_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** `<outDir>/preview/<imageId>.png`: where a run keeps its latest preview of an image. */
export function previewPath(outDir: string, imageId: string): string {
  if (!SAFE_ID.test(imageId))
    throw new AppError('invalid_argument', `"${imageId}" cannot name a preview file.`);
  return join(outDir, 'preview', `${imageId}.png`);
}

/**
 * Writes a preview as one small file, atomically: an 8-bit PNG (class, foreground probability
 * x 255, and with an interior probability a third channel: version 2) whose text chunk holds
 * the step, time and class count. A reader never sees a half-written one.
 */
export async function writePreviewFile(path: string, preview: TrainingPreview): Promise<void> {
  const n = preview.width * preview.height;
  const channels = preview.interior === undefined ? 2 : 3;
  const data = new Uint8Array(n * channels);
  const byte = (p: number) => Math.round(Math.min(1, Math.max(0, p)) * 255);
  for (let i = 0; i < n; i++) {
    data[channels * i] = preview.classes[i];
    data[channels * i + 1] = byte(preview.foreground[i]);
    if (preview.interior !== undefined) data[channels * i + 2] = byte(preview.interior[i]);
  }
  const info = { version: channels - 1, step: preview.step, at: preview.at, classCount: preview.classCount };
  const bytes = encode({
    width: preview.width,
    height: preview.height,
    data,
    depth: 8,
    channels,
    text: { [TEXT_KEY]: JSON.stringify(info) },
  });
  await writeFileAtomic(path, bytes);
}

/** Reads a preview file; null when there is none, 'corrupt_file' when it is not one. */
export async function readPreviewFile(path: string): Promise<TrainingPreview | null> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw fsError(error, path);
  }
  let png: ReturnType<typeof decode>;
  try {
    png = decode(bytes, { checkCrc: true });
  } catch (error) {
    throw new AppError('corrupt_file', `${path} is damaged (${String(error)}).`);
  }
  let info: z.infer<typeof infoSchema> | undefined;
  try {
    info = infoSchema.safeParse(JSON.parse(png.text[TEXT_KEY] ?? '')).data;
  } catch {
    info = undefined;
  }
  const channels = info === undefined ? 0 : info.version + 1;
  if (info === undefined || png.channels !== channels || png.depth !== 8) {
    throw new AppError('corrupt_file', `${path} is not a training preview.`);
  }
  const n = png.width * png.height;
  const classes = new Uint8Array(n);
  const foreground = new Float32Array(n);
  const interior = channels === 3 ? new Float32Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    classes[i] = png.data[channels * i];
    foreground[i] = png.data[channels * i + 1] / 255;
    if (interior !== undefined) interior[i] = png.data[channels * i + 2] / 255;
  }
  return {
    step: info.step,
    at: info.at,
    width: png.width,
    height: png.height,
    classCount: info.classCount,
    classes,
    foreground,
    ...(interior === undefined ? {} : { interior }),
  };
}
