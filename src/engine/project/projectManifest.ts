import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { AppError } from '../../shared/errors';
import { PROJECT_SCHEMA_VERSION, type ProjectManifest, projectManifestSchema } from '../../shared/schemas';
import { fsError, writeFileAtomic } from '../fsutil/index';

/** File name of the manifest inside a project folder. */
export const MANIFEST_FILE = 'project.json';

/** Sub-folders of a project (created with it). */
export const PROJECT_FOLDERS = [
  'images',
  'images/cache',
  'annotations',
  'models',
  'runs',
  'predictions',
  'exports',
];

/**
 * Reads and validates `<dir>/project.json`. Missing -> 'not_found' (not a project folder);
 * not JSON or not matching the schema -> 'schema' naming the file; a schemaVersion newer than
 * this build reads -> 'schema' naming both versions (the file is left untouched).
 */
export async function readManifest(dir: string): Promise<ProjectManifest> {
  const file = join(dir, MANIFEST_FILE);
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new AppError('not_found', `${dir} is not a U-Net Studio project (no ${MANIFEST_FILE}).`);
    }
    throw fsError(error, file);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new AppError('schema', `${file} is not valid JSON; the project cannot be opened.`, String(error));
  }
  const version = (json as { schemaVersion?: unknown } | null)?.schemaVersion;
  if (typeof version === 'number' && version > PROJECT_SCHEMA_VERSION) {
    throw new AppError(
      'schema',
      `${file} has schema version ${version}, but this version of U-Net Studio reads up to version ` +
        `${PROJECT_SCHEMA_VERSION}. Open it with a newer U-Net Studio; the file was not changed.`,
    );
  }
  const parsed = projectManifestSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`);
    throw new AppError(
      'schema',
      `${file} is malformed: ${issues.slice(0, 5).join('; ')}`,
      JSON.stringify(parsed.error.issues),
    );
  }
  return parsed.data;
}

/** Validates and writes `<dir>/project.json` atomically (pretty-printed, newline at the end). */
export async function writeManifest(dir: string, manifest: ProjectManifest): Promise<void> {
  const checked = projectManifestSchema.parse(manifest);
  await writeFileAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(checked, null, 2)}\n`);
}
