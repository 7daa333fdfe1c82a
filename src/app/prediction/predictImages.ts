import { newJobId } from '../../engine/index';
import type { PredictTarget } from '../../shared/apiModels';
import type { AppContext } from '../AppContext';
import { modelInfo } from '../models/modelCatalog';
import { confineToWorkspace } from '../pathPolicy';

/**
 * Starts a prediction job with a model: project images (stored as the project's predictions)
 * or a folder of image files (masks written beside them or to `outDir`), in the work process.
 * Returns its id at once; progress arrives as jobEvent.
 */
export async function predictImages(
  ctx: AppContext,
  modelId: string,
  target: PredictTarget,
): Promise<{ jobId: string }> {
  const project = ctx.session.current();
  await modelInfo(project.dir, modelId);
  const jobId = newJobId();
  const projectDir = project.dir;
  if ('imageIds' in target) {
    const images = target.imageIds.map((imageId) => project.image(imageId));
    const work = {
      kind: 'predictImages' as const,
      task: { projectDir, jobId, modelId, images, tta: target.tta === true },
    };
    ctx.jobs.start(jobId, (signal, emit) => ctx.work.run(work, { signal, onEvent: emit }));
  } else {
    const root = ctx.options.workspaceRoot;
    const folder = await confineToWorkspace(root, target.folder, 'Image folder');
    const outDir =
      target.outDir === undefined
        ? undefined
        : await confineToWorkspace(root, target.outDir, 'Output folder');
    const work = {
      kind: 'predictFolder' as const,
      task: { projectDir, jobId, modelId, folder, outDir, tta: target.tta === true },
    };
    ctx.jobs.start(jobId, (signal, emit) => ctx.work.run(work, { signal, onEvent: emit }));
  }
  return { jobId };
}
