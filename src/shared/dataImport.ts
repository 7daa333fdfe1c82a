/**
 * Plain data of bringing labels and models into a project, spoken by the engine, the app and
 * the UI: how masks are read, what an import did, what a model package says about itself.
 */

/**
 * How to read a mask: 'auto' decides per file (engine/project/labelsFromMask.ts); 'classes'
 * insists on class indices (a value without a class is an error); 'instances' reads every
 * nonzero value as an object id.
 */
export type MaskReading = 'auto' | 'classes' | 'instances';

/** A mask file sent to be imported: its file name (matched to images by base name) and bytes. */
export interface LabelFile {
  name: string;
  bytes: Uint8Array;
}

/** What one imported mask became. */
export interface ImportedMask {
  imageId: string;
  imageName: string;
  maskName: string;
  /** How it was read: 0/v mask, class indices, or object ids. */
  kind: 'binary' | 'classes' | 'instances';
  objects: number;
  /** True when the image had labels before (they were replaced). */
  replaced: boolean;
}

export interface LabelImportReport {
  imported: ImportedMask[];
  /** Mask files no image of the project matched (left alone). */
  unmatched: string[];
}

/** Who made a model and under which licence: what the user fills in before exporting it. */
export interface ModelPackageRequest {
  /** 5 to 128 letters, digits, spaces, `_ - ( )`. */
  name: string;
  /** At least one; `affiliation` optional. */
  authors: { name: string; affiliation?: string }[];
  /** SPDX identifier, e.g. 'MIT', 'CC-BY-4.0'. */
  license: string;
  description?: string;
}

/**
 * "Jane Doe (EMBL); John Roe" -> authors with optional affiliations, as the CLI's `--authors`
 * and the app's package form read them (empty parts dropped).
 */
export function parseAuthors(text: string): ModelPackageRequest['authors'] {
  return text
    .split(';')
    .map((part) => part.trim())
    .filter((part) => part.length > 0)
    .map((part) => {
      const match = /^(.*?)\s*\(([^)]*)\)$/.exec(part);
      return match ? { name: match[1].trim(), affiliation: match[2].trim() } : { name: part };
    });
}
