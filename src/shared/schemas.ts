import { z } from 'zod';

/**
 * Runtime schemas of the data the API and the project store exchange. Types are inferred from
 * them so that the schema and the type can never drift apart.
 */

/** Schema version written by this build; a manifest with a higher version is refused. */
export const PROJECT_SCHEMA_VERSION = 1;

/** Image ids are short, path-safe tokens (never a path): `img_` + 12 hex digits. */
export const imageIdSchema = z.string().regex(/^img_[0-9a-f]{12}$/, 'not an image id');

/** A label class: id 1..255 is the value in the class map (0 = unlabelled); colour `#rrggbb`. */
export const classDefSchema = z.object({
  id: z.number().int().min(1).max(255),
  name: z.string().trim().min(1).max(64),
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb'),
});
export type ClassDef = z.infer<typeof classDefSchema>;

/** A list of classes with unique ids and names. */
export const classListSchema = z
  .array(classDefSchema)
  .min(1)
  .max(255)
  .refine((list) => new Set(list.map((c) => c.id)).size === list.length, 'class ids must be unique')
  .refine(
    (list) => new Set(list.map((c) => c.name.toLowerCase())).size === list.length,
    'class names must be unique',
  );

/** How much of an image is annotated: labelled pixel count and number of instance ids in use. */
export const annotationStatusSchema = z.object({
  labelledPixels: z.number().int().min(0),
  objects: z.number().int().min(0),
});
export type AnnotationStatus = z.infer<typeof annotationStatusSchema>;

/**
 * Intensity statistics for auto contrast, over all channels: min/max and the 0.5th / 99.5th
 * percentiles (`low`, `high`), in raw pixel units.
 */
export const intensityStatsSchema = z.object({
  min: z.number(),
  max: z.number(),
  low: z.number(),
  high: z.number(),
});
export type IntensityStats = z.infer<typeof intensityStatsSchema>;

/** Physical size of one pixel (and of one z step), micrometres, as the file states it. */
export const pixelSizeSchema = z.object({
  x: z.number().positive(),
  y: z.number().positive(),
  z: z.number().positive().optional(),
});
export type PixelSize = z.infer<typeof pixelSizeSchema>;

/** How one channel of a composite is shown: colour, window (raw units) and visibility. */
export const channelDisplaySchema = z.object({
  color: z.string().regex(/^#[0-9a-fA-F]{6}$/, 'colour must be #rrggbb'),
  min: z.number(),
  max: z.number(),
  visible: z.boolean(),
});
export type ChannelDisplay = z.infer<typeof channelDisplaySchema>;

/** Lookup tables for single-channel images (a colour image is a composite instead). */
export const LUT_NAMES = ['gray', 'inverted', 'fire', 'green', 'magenta'] as const;
export type LutName = (typeof LUT_NAMES)[number];

/**
 * Display settings of one image, saved with the project so they stay with the image: a
 * single-channel image has a window and a LUT; an image of 2+ channels (RGB included) is a
 * composite with one entry per channel.
 */
export const imageDisplaySchema = z.object({
  lut: z.enum(LUT_NAMES),
  min: z.number(),
  max: z.number(),
  channels: z.array(channelDisplaySchema).max(64),
});
export type ImageDisplay = z.infer<typeof imageDisplaySchema>;

/**
 * One 2-D image of the project. A multi-page TIFF stack becomes one entry per page (all sharing
 * `file`, with `page` = 0-based page index and `pages` = pages in that file), so every entry
 * has exactly one annotation.
 */
export const imageEntrySchema = z.object({
  id: imageIdSchema,
  name: z.string().min(1),
  /** Path of the copied original, relative to the project's `images/` folder. */
  file: z.string().min(1),
  page: z.number().int().min(0),
  pages: z.number().int().min(1),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  channels: z.number().int().min(1).max(64),
  bitDepth: z.union([z.literal(8), z.literal(16), z.literal(32)]),
  stats: intensityStatsSchema,
  annotation: annotationStatusSchema,
  addedAt: z.string(),
  /**
   * For a plane of an OME-TIFF or ImageJ hyperstack whose channels lie on separate pages: its
   * z and t index (the entry holds all channels of that plane; `page` = z + t * sizeZ).
   */
  plane: z.object({ z: z.number().int().min(0), t: z.number().int().min(0) }).optional(),
  /** Channel names and colours ('#rrggbb') as the file gives them (one per channel, '' = none). */
  channelNames: z.array(z.string()).optional(),
  channelColors: z.array(z.string()).optional(),
  /** Statistics of each channel (the display's per-channel range). */
  channelStats: z.array(intensityStatsSchema).optional(),
  /** Pixel size in micrometres (absent when the file does not say). */
  pixelSize: pixelSizeSchema.optional(),
  /** How the user last showed the image (absent: auto contrast). */
  display: imageDisplaySchema.optional(),
});
export type ImageEntry = z.infer<typeof imageEntrySchema>;

/** `project.json`: the manifest of a project folder. */
export const projectManifestSchema = z.object({
  schemaVersion: z.number().int().min(1),
  name: z.string().min(1),
  classes: classListSchema,
  images: z.array(imageEntrySchema),
  createdAt: z.string(),
  updatedAt: z.string(),
});
export type ProjectManifest = z.infer<typeof projectManifestSchema>;

/** What the UI sees of the open project: the manifest plus the folder it lives in. */
export type ProjectSnapshot = ProjectManifest & { dir: string };

/** An entry of the recent-projects list (most recent first). */
export const recentProjectSchema = z.object({
  dir: z.string().min(1),
  name: z.string(),
  openedAt: z.string(),
});
export type RecentProject = z.infer<typeof recentProjectSchema>;

/** Default classes of a new project (class map values 1 and 2). */
export const DEFAULT_CLASSES: readonly ClassDef[] = [
  { id: 1, name: 'background', color: '#3b82f6' },
  { id: 2, name: 'cell', color: '#f59e0b' },
];
