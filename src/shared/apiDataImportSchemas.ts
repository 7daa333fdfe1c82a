import { z } from 'zod';
import { modelIdSchema } from './apiModelSchemas';
import { imageDisplaySchema, imageIdSchema } from './schemas';

/** Argument schemas of the label import and model package methods (merged into API_ARGS). */

const fileName = z
  .string()
  .min(1)
  .max(255)
  .refine((name) => !/[/\\]/.test(name) && name !== '.' && name !== '..', 'a file name, not a path');

const labelFileSchema = z.object({ name: fileName, bytes: z.instanceof(Uint8Array) });

export const modelPackageRequestSchema = z.object({
  name: z
    .string()
    .trim()
    .regex(/^[\w\-() ]{5,128}$/, 'a name of 5 to 128 letters, digits, spaces, _ - ( )'),
  authors: z
    .array(
      z.object({
        name: z.string().trim().min(1).max(200),
        affiliation: z.string().trim().max(200).optional(),
      }),
    )
    .min(1, 'at least one author')
    .max(50),
  license: z
    .string()
    .trim()
    .regex(/^[A-Za-z0-9.+-]{2,64}$/, 'an SPDX licence identifier such as MIT or CC-BY-4.0'),
  description: z.string().trim().max(2000).optional(),
});

export const DATA_IMPORT_API_ARGS = {
  importLabels: z.tuple([
    z.array(labelFileSchema).min(1).max(10_000),
    z.object({
      imageId: imageIdSchema.optional(),
      reading: z.enum(['auto', 'classes', 'instances']).optional(),
    }),
  ]),
  exportModelPackage: z.tuple([modelIdSchema, modelPackageRequestSchema]),
  importModelPackage: z.tuple([fileName, z.instanceof(Uint8Array)]),
  setImageDisplay: z.tuple([imageIdSchema, imageDisplaySchema]),
};
