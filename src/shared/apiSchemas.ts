import { z } from 'zod';
import type { ApiArgs, ApiMethod } from './api';
import { DATA_IMPORT_API_ARGS } from './apiDataImportSchemas';
import { MODEL_API_ARGS } from './apiModelSchemas';
import { AppError } from './errors';
import { MAX_IMAGE_PIXELS, MAX_IMAGE_SIDE, MAX_TILED_IMAGE_SIDE } from './imageData';
import { classListSchema, imageIdSchema } from './schemas';

/**
 * Argument schemas of every API method (a tuple per method), validated where calls enter the
 * main side (ipcMain handlers, HTTP routes). The `ArgSchemas` annotation makes the compiler
 * check that each schema yields exactly the method's parameter list.
 */

const path = z.string().min(1).max(4096);
const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\]/.test(name) && name !== '.' && name !== '..', 'a file name, not a path');

// A patch lies anywhere on an image opened as tiles, and covers at most what an image decoded
// whole may hold (a brush stroke, a polygon, an accepted prediction).
const coordinate = z.number().int().min(0).max(MAX_TILED_IMAGE_SIDE);
const side = z.number().int().min(1).max(MAX_IMAGE_SIDE);
// A tile index or pyramid level (the engine checks it against the image).
const index = z.number().int().min(0).max(MAX_TILED_IMAGE_SIDE);

export const annotationPatchSchema = z
  .object({
    x: coordinate,
    y: coordinate,
    w: side,
    h: side,
    classes: z.instanceof(Uint8Array),
    instances: z.instanceof(Uint16Array),
  })
  .refine((p) => p.classes.length === p.w * p.h, 'classes must hold w * h values')
  .refine((p) => p.instances.length === p.w * p.h, 'instances must hold w * h values')
  .refine((p) => p.w * p.h <= MAX_IMAGE_PIXELS, `a patch holds at most ${MAX_IMAGE_PIXELS} pixels`);

type ArgSchemas = { [K in ApiMethod]: z.ZodType<ApiArgs<K>> };

export const API_ARGS: ArgSchemas = {
  appInfo: z.tuple([]),
  getBackendInfo: z.tuple([]),
  getRecentProjects: z.tuple([]),
  pickFolder: z.tuple([z.enum(['open', 'create'])]),
  pickFiles: z.tuple([]),
  browseFolders: z.tuple([z.string().min(1).max(4096).nullable()]),
  createProject: z.tuple([path, z.string().trim().min(1).max(200)]),
  openProject: z.tuple([path]),
  openSample: z.tuple([]),
  closeProject: z.tuple([]),
  getProject: z.tuple([]),
  updateClasses: z.tuple([classListSchema]),
  importImages: z.tuple([z.array(path).min(1).max(10_000)]),
  uploadImage: z.tuple([fileName, z.instanceof(Uint8Array)]),
  cancelImport: z.tuple([]),
  removeImage: z.tuple([imageIdSchema]),
  renameImage: z.tuple([imageIdSchema, z.string().min(1).max(255)]),
  getImagePixels: z.tuple([imageIdSchema]),
  getThumbnail: z.tuple([imageIdSchema]),
  getAnnotation: z.tuple([imageIdSchema]),
  getImageTileInfo: z.tuple([imageIdSchema]),
  getImageTile: z.tuple([imageIdSchema, index, index, index]),
  getLabelTileIndex: z.tuple([imageIdSchema]),
  getLabelTile: z.tuple([imageIdSchema, index, index]),
  saveAnnotationPatch: z.tuple([imageIdSchema, annotationPatchSchema]),
  ...MODEL_API_ARGS,
  ...DATA_IMPORT_API_ARGS,
};

/**
 * Validates the argument list of `method`; throws AppError('schema') naming the method and the
 * offending argument path.
 */
export function parseApiArgs<K extends ApiMethod>(method: K, args: unknown): ApiArgs<K> {
  const schema: z.ZodType<ApiArgs<K>> = API_ARGS[method];
  const parsed = schema.safeParse(args);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((issue) => {
    const where = issue.path.length > 0 ? `argument ${issue.path.join('.')}` : 'arguments';
    return `${where}: ${issue.message}`;
  });
  throw new AppError(
    'schema',
    `Invalid request to ${method}: ${issues.join('; ')}`,
    JSON.stringify(parsed.error.issues),
  );
}

/** True when `name` is an API method (for routes that take the name from a URL). */
export function isApiMethod(name: string): name is ApiMethod {
  return Object.hasOwn(API_ARGS, name);
}
