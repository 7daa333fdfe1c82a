import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { MultiChannelImage } from '../image/index';
import type { Predictor } from '../prediction/Predictor';
import { type ModelPackage, openModelPackage } from './openModelPackage';
import { choosePackageTileSize, createPackagePredictor, packageModelInput } from './packagePredictor';

/** Largest automatic tile edge for a package (its compute per pixel is unknown). */
const MAX_AUTO_TILE = 1024;

/** A package opened for prediction: its predictor, input preparation and tile choice. */
export interface PackageForPrediction {
  pkg: ModelPackage;
  predictor: Predictor;
  /** Network input of an image (float32 HWC), as the package's preprocessing says. */
  prepare(img: MultiChannelImage, name: string): Float32Array;
  /** The tile edge for a width x height image: `tileSize` when fixed, else the least work. */
  tileSizeFor(width: number, height: number): number;
}

/**
 * Whether `path` names a bioimage.io package rather than a model folder: a .zip file, or a
 * folder holding rdf.yaml or bioimageio.yaml (a model folder holds model.json).
 */
export async function isModelPackage(path: string): Promise<boolean> {
  if (path.toLowerCase().endsWith('.zip')) return true;
  for (const name of ['rdf.yaml', 'bioimageio.yaml']) {
    if (
      await stat(join(path, name)).then(
        (s) => s.isFile(),
        () => false,
      )
    )
      return true;
  }
  return false;
}

/**
 * Opens a package and its ONNX session for the overlap-tile pipeline. The predictor starts
 * at `tileSize` (or the training tile of our own packages, else the smallest legal edge);
 * the caller disposes it.
 */
export async function openPackageForPrediction(
  path: string,
  options: { tileSize?: number | 'auto'; threads?: number },
): Promise<PackageForPrediction> {
  const pkg = await openModelPackage(path);
  const fixed = typeof options.tileSize === 'number' ? options.tileSize : undefined;
  const start = fixed ?? pkg.unetStudio?.tileSize ?? pkg.inputSize.min;
  const predictor = await createPackagePredictor(pkg, { inputSize: start, threads: options.threads });
  const maxTile = Math.max(pkg.unetStudio?.tileSize ?? 0, MAX_AUTO_TILE);
  return {
    pkg,
    predictor,
    prepare: (img, name) => packageModelInput(img, pkg, name),
    tileSizeFor: (width, height) => fixed ?? choosePackageTileSize(pkg, width, height, maxTile),
  };
}
