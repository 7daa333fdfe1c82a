import { hasPrediction } from '../../engine/index';
import type { ExportRequest, ExportResult } from '../../shared/apiModels';
import { AppError } from '../../shared/errors';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { confineToWorkspace } from '../pathPolicy';

/**
 * Writes one mask per image (same base names as the images) and objects.csv into a folder, from
 * the model's stored predictions; every image must have been predicted first ('not_found').
 * The checks run here, the reading and writing in the work process.
 */
export async function exportMasks(ctx: AppContext, request: ExportRequest): Promise<ExportResult> {
  const project = ctx.session.current();
  const folder = await confineToWorkspace(ctx.options.workspaceRoot, request.folder, 'Export folder');
  const info = await modelInfo(project.dir, request.modelId);
  const missing = [];
  const images = [];
  for (const imageId of request.imageIds) {
    const entry = project.image(imageId);
    if (!(await hasPrediction(project.dir, request.modelId, imageId))) missing.push(entry.name);
    else images.push(entry);
  }
  if (missing.length > 0) {
    throw new AppError(
      'not_found',
      `Predict these images with ${request.modelId} first: ${missing.join(', ')}.`,
    );
  }
  return ctx.work.run({
    kind: 'exportMasks',
    task: { projectDir: project.dir, request: { ...request, folder }, classCount: info.classes, images },
  });
}
