import { basename } from 'node:path';
import { AppError } from '../../shared/errors';
import { isLargeTiff, isTiffName } from '../image/largeTiff';
import { indexByBaseName, listImages } from '../image/listImages';
import { readImage } from '../image/readImage';
import { evaluateLargeMasks } from './evaluateLargeMasks';
import { evaluateSegmentation, type SegmentationMetrics } from './evaluateSegmentation';
import { maskFromImage } from './maskFromImage';
import { meanMetrics } from './meanMetrics';

/** One scored image pair. */
export interface ImageEvaluation {
  /** Base name without extension, shared by both files. */
  name: string;
  predPath: string;
  truthPath: string;
  metrics: SegmentationMetrics;
}

export interface FolderEvaluation {
  images: ImageEvaluation[];
  mean: SegmentationMetrics;
  /** Files with no partner of the same base name in the other folder. */
  unmatchedPred: string[];
  unmatchedTruth: string[];
}

/**
 * Scores every predicted mask in `predDir` against the truth mask of the same base name in
 * `truthDir` (0.png matches 0.tif), in natural name order; masks are read with
 * `maskFromImage` (binary, class or 16-bit instance images; TIFF page 0). `onProgress` is
 * called once with done = 0 when the pairs are known, then after each image. Errors: 'not_found' when no names match (the message lists what
 * each folder holds), 'invalid_argument' when two files in one folder share a base name,
 * 'size_mismatch' naming both files, and any image read error naming its file.
 */
export async function evaluateFolders(args: {
  predDir: string;
  truthDir: string;
  onProgress?: (done: number, total: number, name: string) => void;
  /**
   * Read TIFF pairs in bands (`evaluateLargeMasks`): 'auto' (default) when either is a TIFF of
   * more than STREAM_PIXELS pixels, true for every TIFF pair, false never.
   */
  stream?: boolean | 'auto';
}): Promise<FolderEvaluation> {
  const pred = indexByBaseName(await listImages(args.predDir), args.predDir);
  const truth = indexByBaseName(await listImages(args.truthDir), args.truthDir);
  const names = [...pred.keys()].filter((name) => truth.has(name));
  if (names.length === 0) {
    throw new AppError(
      'not_found',
      `No file names match between ${args.predDir} (${describe(pred)}) and ${args.truthDir} (${describe(truth)}).`,
    );
  }
  const images: ImageEvaluation[] = [];
  args.onProgress?.(0, names.length, '');
  for (const name of names) {
    const predPath = pred.get(name) as string;
    const truthPath = truth.get(name) as string;
    if (await streams(predPath, truthPath, args.stream ?? 'auto')) {
      images.push({ name, predPath, truthPath, metrics: await evaluateLargeMasks({ predPath, truthPath }) });
      args.onProgress?.(images.length, names.length, name);
      continue;
    }
    const [p, t] = await Promise.all([readImage(predPath), readImage(truthPath)]);
    if (p.width !== t.width || p.height !== t.height) {
      throw new AppError(
        'size_mismatch',
        `${predPath} is ${p.width}x${p.height} but ${truthPath} is ${t.width}x${t.height}.`,
      );
    }
    const metrics = evaluateSegmentation({
      width: t.width,
      height: t.height,
      pred: maskFromImage(p),
      truth: maskFromImage(t),
    });
    images.push({ name, predPath, truthPath, metrics });
    args.onProgress?.(images.length, names.length, name);
  }
  return {
    images,
    mean: meanMetrics(images.map((i) => i.metrics)),
    unmatchedPred: [...pred.entries()].filter(([n]) => !truth.has(n)).map(([, path]) => path),
    unmatchedTruth: [...truth.entries()].filter(([n]) => !pred.has(n)).map(([, path]) => path),
  };
}

async function streams(predPath: string, truthPath: string, mode: boolean | 'auto'): Promise<boolean> {
  if (mode === false || !isTiffName(predPath) || !isTiffName(truthPath)) return false;
  return mode === true || (await isLargeTiff(predPath)) || (await isLargeTiff(truthPath));
}

function describe(files: Map<string, string>): string {
  if (files.size === 0) return 'no images';
  const shown = [...files.values()].slice(0, 5).map((p) => basename(p));
  return `${files.size} image(s): ${shown.join(', ')}${files.size > 5 ? ', ...' : ''}`;
}
