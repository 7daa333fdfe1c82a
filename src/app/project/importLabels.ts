import { importLabels as importLabelFiles } from '../../engine/index';
import type { LabelFile, LabelImportReport, MaskReading } from '../../shared/dataImport';
import type { ProjectSnapshot } from '../../shared/schemas';
import type { AppContext } from '../AppContext';

/**
 * Makes mask files the annotations of the open project's images: all or nothing (every file
 * is decoded and checked before the first is written; see engine/project/importLabels.ts).
 * The UI then reloads the image it shows and offers the change as one undo step.
 */
export async function importLabels(
  ctx: AppContext,
  files: LabelFile[],
  options: { imageId?: string; reading?: MaskReading },
): Promise<LabelImportReport & { project: ProjectSnapshot }> {
  const report = await importLabelFiles(ctx.session.current(), files, options);
  return { ...report, project: ctx.session.changed() };
}
