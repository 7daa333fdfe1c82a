import { mkdir, readdir, readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import {
  modelFolder,
  modelId,
  newPackageId,
  openModelPackage,
  packagesFolder,
  parseModelId,
  predictedClassCount,
  writeFileAtomic,
  exportModelPackage as writeModelPackage,
} from '../../engine/index';
import type { ModelInfo } from '../../shared/apiModels';
import type { ModelPackageRequest } from '../../shared/dataImport';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';

/** `models/<pkgId>/info.json`: what the model list shows of an added package. */
const packageInfoSchema = z.looseObject({
  name: z.string(),
  fileName: z.string(),
  addedAt: z.string(),
  classes: z.number().int().min(1),
  channels: z.number().int().min(1),
  tileSize: z.number().int().min(1),
  depth: z.number().int().min(0),
});
type PackageInfoFile = z.infer<typeof packageInfoSchema>;

function infoPath(projectDir: string, packageId: string): string {
  return join(packagesFolder(projectDir), packageId, 'info.json');
}

function describePackage(packageId: string, info: PackageInfoFile): ModelInfo {
  return {
    modelId: modelId(packageId, 'package'),
    runId: packageId,
    kind: 'package',
    label: `${info.name} (package ${info.fileName}, ${info.channels} channel${info.channels === 1 ? '' : 's'})`,
    createdAt: info.addedAt,
    steps: null,
    classes: info.classes,
    tileSize: info.tileSize,
    depth: info.depth,
    baseFilters: 0,
    metrics: {},
  };
}

/** The added package of a model id; 'not_found' when it is not (or no longer) there. */
export async function packageModelInfo(projectDir: string, id: string): Promise<ModelInfo> {
  const { runId } = parseModelId(id);
  try {
    const text = await readFile(infoPath(projectDir, runId), 'utf8');
    return describePackage(runId, packageInfoSchema.parse(JSON.parse(text)));
  } catch {
    throw new AppError('not_found', `Model package ${id} is not in this project.`);
  }
}

/** Every model package added to the project, newest first. */
export async function listPackageModels(projectDir: string): Promise<ModelInfo[]> {
  const ids = await readdir(packagesFolder(projectDir)).catch(() => [] as string[]);
  const out: ModelInfo[] = [];
  for (const id of ids
    .filter((name) => /^pkg_[0-9a-z]+$/.test(name))
    .sort()
    .reverse()) {
    const info = await packageModelInfo(projectDir, modelId(id, 'package')).catch(() => null);
    if (info !== null) out.push(info);
  }
  return out;
}

/**
 * Adds a bioimage.io model package (a .zip: ours or another tool's 2D single-output ONNX model)
 * to the project's models, so it predicts, compares and exports like a trained one. The zip is
 * opened and checked first (openModelPackage's errors, naming the file); a package that does
 * not open leaves nothing behind.
 */
export async function importModelPackage(
  ctx: AppContext,
  name: string,
  bytes: Uint8Array,
): Promise<ModelInfo> {
  const project = ctx.session.current();
  const packageId = newPackageId();
  const id = modelId(packageId, 'package');
  const folder = join(packagesFolder(project.dir), packageId);
  const zip = modelFolder(project.dir, id);
  await mkdir(folder, { recursive: true });
  try {
    await writeFileAtomic(zip, bytes);
    let opened: Awaited<ReturnType<typeof openModelPackage>>;
    try {
      opened = await openModelPackage(zip);
    } catch (error) {
      if (error instanceof AppError) throw new AppError(error.code, error.message.replaceAll(zip, name));
      throw error;
    }
    const info: PackageInfoFile = {
      name: opened.name,
      fileName: name,
      addedAt: new Date().toISOString(),
      classes: predictedClassCount(opened.classes.length, opened.unetStudio?.objectBorders),
      channels: opened.channels,
      tileSize: opened.unetStudio?.tileSize ?? opened.inputSize.min,
      depth: opened.unetStudio?.architecture.depth ?? 0,
    };
    await writeFileAtomic(infoPath(project.dir, packageId), `${JSON.stringify(info, null, 2)}\n`);
    return describePackage(packageId, info);
  } catch (error) {
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
}

/**
 * Writes a trained model as a bioimage.io package to `exports/<name>.zip` (in the work process:
 * it converts the weights to ONNX and runs them once for the test tensors) and returns the
 * zip's bytes too, so a browser can download it.
 */
export async function exportModelPackage(
  ctx: AppContext,
  id: string,
  request: ModelPackageRequest,
): Promise<{ path: string; fileName: string; bytes: Uint8Array }> {
  const project = ctx.session.current();
  const { kind } = parseModelId(id);
  const fileName = `${request.name
    .trim()
    .replace(/[^\w\-() ]+/g, '_')
    .replace(/\s+/g, '_')}.zip`;
  const path = join(project.dir, 'exports', fileName);
  if (kind === 'package') {
    // Already a package: hand the zip out as it came in (nothing to rebuild).
    const bytes = new Uint8Array(await readFile(modelFolder(project.dir, id)));
    await mkdir(join(project.dir, 'exports'), { recursive: true });
    await writeFileAtomic(path, bytes);
    return { path, fileName, bytes };
  }
  await ctx.work.run({
    kind: 'exportModelPackage',
    task: { modelDir: modelFolder(project.dir, id), path, request },
  });
  return { path, fileName, bytes: new Uint8Array(await readFile(path)) };
}

/** The work-process half of exportModelPackage. */
export interface ExportPackageTask {
  modelDir: string;
  path: string;
  request: ModelPackageRequest;
}

export async function writePackageTask(task: ExportPackageTask): Promise<{ path: string }> {
  const { name, authors, license, description } = task.request;
  await mkdir(dirname(task.path), { recursive: true });
  await writeModelPackage(task.modelDir, task.path, {
    name,
    authors,
    license,
    ...(description ? { description } : {}),
  });
  return { path: task.path };
}
