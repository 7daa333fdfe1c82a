import { isLargeImage } from '../../engine/index';
import type { ExportRequest, ExportResult } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { confineToWorkspace } from '../pathPolicy';
import type { ExportMasksTask } from './writeMaskFiles';

/**
 * Writes one mask per image (named after the images) and objects.csv into a folder, from a
 * model's stored predictions or from the hand annotations. Images that cannot be written are
 * skipped and listed in the result, never blocking the others. The checks run here (unknown
 * model, image or folder outside the workspace throw), reading and writing in the work process.
 */
export async function exportMasks(ctx: AppContext, request: ExportRequest): Promise<ExportResult> {
  const project = ctx.session.current();
  const folder = await confineToWorkspace(ctx.options.workspaceRoot, request.folder, 'Export folder');
  if (request.source !== 'annotation') await modelInfo(project.dir, request.modelId ?? '');
  const images: ExportMasksTask['images'] = [];
  for (const imageId of request.imageIds) {
    const entry = project.image(imageId);
    // A large image's labels are read tile by tile where its mask is written.
    if (request.source !== 'annotation' || isLargeImage(entry)) images.push({ entry });
    else if (entry.annotation.labelledPixels > 0)
      images.push({ entry, annotation: await project.readAnnotation(imageId) });
    else images.push({ entry });
  }
  return ctx.work.run({
    kind: 'exportMasks',
    task: { projectDir: project.dir, request: { ...request, folder }, images },
  });
}
