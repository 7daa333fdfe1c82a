import { access } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import type { MaskReading } from '../../shared/dataImport';

interface ImportOptions {
  project: string;
  images: string;
  labels?: string;
  name?: string;
  as: MaskReading;
}

/**
 * `unet-studio import --project DIR --images DIR [--labels DIR]`: creates a project (or opens
 * one) and adds the images of a folder, then the masks of `--labels` (matched by base name) as
 * their annotations. The masks are checked before anything is added: a bad mask (size, value)
 * stops the command with nothing imported.
 */
export function registerImport(program: Command): void {
  program.addCommand(
    new Command('import')
      .description('create a project (or add to one) from a folder of images and, optionally, their masks')
      .requiredOption('--project <dir>', 'project folder (created when missing or empty)')
      .requiredOption('--images <dir>', 'folder of images (PNG, JPEG, TIFF, OME-TIFF, BigTIFF)')
      .option('--labels <dir>', 'folder of masks matched by base name: 0/255, class indices or instance ids')
      .option('--name <name>', 'name of a new project (default: the folder name)')
      .addOption(
        new Option('--as <reading>', 'how to read masks with more than two values')
          .choices(['auto', 'classes', 'instances'])
          .default('auto'),
      )
      .action(async (options: ImportOptions) => {
        const { Project, listImages, importLabels, MANIFEST_FILE } = await import('../../engine/index');
        const dir = resolve(options.project);
        const images = await listImages(options.images);
        const masks = options.labels === undefined ? [] : await listImages(options.labels);
        const { readFile } = await import('node:fs/promises');
        const maskFiles = await Promise.all(
          masks.map(async (path) => ({ name: basename(path), bytes: new Uint8Array(await readFile(path)) })),
        );
        const exists = await access(join(dir, MANIFEST_FILE)).then(
          () => true,
          () => false,
        );
        const project = exists
          ? await Project.open(dir)
          : await Project.create(dir, options.name ?? basename(dir));
        try {
          const before = project.snapshot().images.map((i) => i.id);
          const added = await project.importFiles(images);
          if (maskFiles.length > 0) {
            try {
              const report = await importLabels(project, maskFiles, { reading: options.as });
              for (const name of report.unmatched)
                process.stderr.write(`warning: no image for mask ${name}\n`);
              const kinds = new Map<string, number>();
              for (const m of report.imported) kinds.set(m.kind, (kinds.get(m.kind) ?? 0) + 1);
              const objects = report.imported.reduce((sum, m) => sum + m.objects, 0);
              process.stdout.write(
                `${report.imported.length} masks imported as annotations (${[...kinds].map(([k, n]) => `${n} ${k}`).join(', ')}; ${objects} objects)\n`,
              );
            } catch (error) {
              // All or nothing: the images this run added go again, so a fixed rerun starts clean.
              for (const entry of added) if (!before.includes(entry.id)) await project.removeImage(entry.id);
              throw error;
            }
          }
          process.stdout.write(
            `${dir}: ${added.length} images added, ${project.snapshot().images.length} in all\n`,
          );
        } finally {
          await project.close();
        }
      }),
  );
}
