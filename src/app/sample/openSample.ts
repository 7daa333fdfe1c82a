import { mkdir, readFile, stat, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { encode } from 'fast-png';
import { Project } from '../../engine/index';
import { SAMPLE } from '../../shared/sample';
import type { ProjectSnapshot } from '../../shared/schemas';
import type { AppContext } from '../AppContext';
import { syntheticNuclei } from './syntheticNuclei';

const README = `U-Net Studio sample: fluorescent nuclei
Five synthetic 256x256 images of DAPI-like nuclei, made by code (src/app/sample/syntheticNuclei.ts).
${SAMPLE.images.slice(0, SAMPLE.annotated).join(', ')} come annotated (background and nucleus);
${SAMPLE.images[SAMPLE.annotated]} is yours to paint; ${SAMPLE.images.slice(SAMPLE.annotated + 1).join(', ')} is never annotated.
${SAMPLE.truthFolder}/ holds the exact ground truth (16-bit object ids) of every image, to check
exported masks against.
`;

/**
 * Opens the sample project, creating it on first use: in the workspace root (browser shell)
 * or the home folder (Electron), folder SAMPLE.folderName (a numbered one when that name is
 * taken by something else). An existing sample is opened as the user left it.
 */
export async function openSample(ctx: AppContext): Promise<ProjectSnapshot> {
  const parent = ctx.options.workspaceRoot ?? homedir();
  for (let n = 1; n < 100; n++) {
    const dir = join(parent, n === 1 ? SAMPLE.folderName : `${SAMPLE.folderName}-${n}`);
    const state = await folderState(dir);
    if (state === 'sample') {
      const open = ctx.session.open;
      if (open !== null && open.dir === dir) return open.snapshot();
      return ctx.session.adopt(await Project.open(dir));
    }
    if (state === 'free') return ctx.session.adopt(await createSample(dir));
  }
  throw new Error(`no free folder name for the sample in ${parent}`);
}

async function folderState(dir: string): Promise<'free' | 'sample' | 'taken'> {
  const info = await stat(dir).catch(() => null);
  if (info === null) return 'free';
  const manifest = await stat(join(dir, 'project.json')).catch(() => null);
  if (manifest === null) return 'taken';
  const text = await readFile(join(dir, 'project.json'), 'utf8').catch(() => '');
  return text.includes(JSON.stringify(SAMPLE.projectName)) ? 'sample' : 'taken';
}

/** Writes the sample: images imported, the first ones annotated from the truth, truth/ and a README. */
async function createSample(dir: string): Promise<Project> {
  const project = await Project.create(dir, SAMPLE.projectName);
  await project.updateClasses([
    { id: 1, name: 'background', color: '#3b82f6' },
    { id: 2, name: 'nucleus', color: '#10b981' },
  ]);
  await mkdir(join(dir, SAMPLE.truthFolder), { recursive: true });
  for (const [k, name] of SAMPLE.images.entries()) {
    const { width, height, image, instances } = syntheticNuclei(String(k + 1));
    const png = encode({ width, height, data: image, depth: 8, channels: 1 });
    const truth = encode({ width, height, data: instances, depth: 16, channels: 1 });
    await writeFile(join(dir, SAMPLE.truthFolder, name), truth);
    const [entry] = await project.importBytes(name, png);
    if (k < SAMPLE.annotated) {
      const classes = instances.map((id) => (id > 0 ? 2 : 1));
      await project.saveAnnotationPatch(entry.id, {
        x: 0,
        y: 0,
        w: width,
        h: height,
        classes: Uint8Array.from(classes),
        instances,
      });
    }
  }
  await writeFile(join(dir, 'README-sample.txt'), README);
  return project;
}
