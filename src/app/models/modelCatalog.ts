import { readdir } from 'node:fs/promises';
import {
  type ModelKind,
  type ModelMetadata,
  modelFolder,
  modelId,
  parseModelId,
  predictedClassCount,
  readModelMetadata,
  runsFolder,
} from '../../engine/index';
import type { ModelInfo } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import { listPackageModels, packageModelInfo } from './modelPackages';

/** The checked `metadata.json` of a model folder, or null when it is missing or unreadable. */
async function readMetadata(dir: string): Promise<ModelMetadata | null> {
  return readModelMetadata(dir).catch(() => null);
}

function describe(id: string, kind: ModelKind, m: ModelMetadata): ModelInfo {
  const { runId } = parseModelId(id);
  const metrics = m.metrics ?? {};
  const iou = metrics.validationForegroundIoU;
  const steps = typeof m.provenance.steps === 'number' ? m.provenance.steps : null;
  // Both models say their validation IoU and step, so the list shows which is better.
  // A model trained on chosen channels says which (1-based, with their names).
  const channels = m.inputChannels
    ?.map((c) => (c.name ? `${c.index + 1} (${c.name})` : `${c.index + 1}`))
    .join(', ');
  const detail =
    `${iou === undefined ? 'not validated' : `val IoU ${iou.toFixed(3)}`}, step ${steps ?? '?'}` +
    (channels === undefined ? '' : `, channels ${channels}`) +
    (m.objectBorders === true ? ', object borders' : '');
  const info: ModelInfo = {
    modelId: id,
    runId,
    kind,
    label: `${runId} ${kind === 'best' ? 'best on validation' : 'final'} (${detail})`,
    createdAt: m.provenance.createdAt,
    steps,
    classes: predictedClassCount(m.architecture.classes, m.objectBorders),
    tileSize: m.tileSize,
    depth: m.architecture.depth,
    baseFilters: m.architecture.baseFilters,
    metrics,
  };
  return m.objectBorders === true ? { ...info, objectBorders: true } : info;
}

/** The model of an id; 'not_found' when the run has not written it (yet). */
export async function modelInfo(projectDir: string, id: string): Promise<ModelInfo> {
  const { kind } = parseModelId(id);
  if (kind === 'package') return packageModelInfo(projectDir, id);
  const metadata = await readMetadata(modelFolder(projectDir, id));
  if (metadata === null) throw new AppError('not_found', `Model ${id} does not exist (yet) in this project.`);
  return describe(id, kind, metadata);
}

/**
 * Every model the project's runs have written, newest run first (best before last), then the
 * model packages added to it.
 */
export async function listModels(projectDir: string): Promise<ModelInfo[]> {
  const packages = await listPackageModels(projectDir);
  let runs: string[];
  try {
    runs = (await readdir(runsFolder(projectDir))).filter((name) => /^run_[0-9a-z]+$/.test(name));
  } catch {
    return packages;
  }
  runs.sort().reverse();
  const out: ModelInfo[] = [];
  for (const runId of runs) {
    for (const kind of ['best', 'last'] as const) {
      const id = modelId(runId, kind);
      const metadata = await readMetadata(modelFolder(projectDir, id));
      if (metadata !== null) out.push(describe(id, kind, metadata));
    }
  }
  return [...out, ...packages];
}
