import { readFile } from 'node:fs/promises';
import { basename, extname, join } from 'node:path';
import { AppError } from '../../shared/errors';
import type { Sample } from '../augment/index';
import { fsError } from '../fsutil/index';
import { type MultiChannelImage, type RasterImage, readImage } from '../image/index';
import { maskFromImage } from '../metrics/index';
import type { Normalization, PercentileNormalization } from '../model/types';
import { scaleByBounds } from '../prediction/streamNormalization';
import { computeAnnotationWeightMap } from '../weightmap/index';
import { applyNormalization, pixelsWithChannels, scaleOfBitDepth } from './normalization';
import { readInputImage } from './readInputImage';
import { lazyImageHeader, tiledLabelSamples } from './tiledLabelSamples';
import { labelTilesTouch, objectsTouch } from './touchingObjects';
import { resolveSettings, type TrainConfig, type TrainImage } from './trainConfig';
import { cachedWeightMap } from './weightMapCache';

/**
 * One image with its targets and weights; pixels still raw (see `normalizeSamples`): HWC float32
 * divided by the image's bit-depth full scale (0..1 for integer images); network class per pixel
 * (0 = background, 0 where unlabelled); loss weight per pixel (U-Net eq. 2; 0 = unlabelled).
 */
export type LoadedSample = Sample & {
  name: string;
  imagePath: string;
  labelledPixels: number;
  /** A region of a larger image: that image's own percentiles (see tiledLabelSamples). */
  percentileBounds?: (norm: PercentileNormalization) => Promise<[number, number][]>;
};

export interface LoadedData {
  samples: LoadedSample[];
  /** Input channels of the network: 1 or 3 (gray / RGB images), or the chosen channels' count. */
  channels: number;
  /** Full scale of the first image (255, 65535 or 1 for float), for the model metadata. */
  scale: number;
  /** Weight maps taken from outDir/cache rather than computed. */
  cacheHits: number;
  /** Whether the targets hold the object-border class (config.objectBorders, 'auto' settled). */
  objectBorders: boolean;
  /** With 'auto': the first image whose labelled objects touch (which turned borders on), or null. */
  touchingImage: string | null;
}

/**
 * Reads every training image and its labels, converts the labels to the annotation form
 * (0 unlabelled, 1 background, 2.. foreground + instance ids) and computes weight maps once
 * (cached in outDir/cache, keyed by a hash of the label files and w0/sigma). Images may be gray
 * or RGB (all RGB -> 3 channels, otherwise gray); with chosen `inputChannels` (or images of
 * another count, e.g. 2-channel .npy arrays) every image must have that many, and the network
 * takes them all (`networkChannels`). Each image is scaled by its own bit depth, as
 * prediction does (prediction/modelInput), so 8- and 16-bit images can be mixed.
 * `labelClasses`: classes of the labels (background included). Object borders (weightmap/
 * objectBorders) add a third network class; 'auto' turns them on when some labelled objects
 * touch, decided from the labels read here: all of them first, then the weight maps.
 */
export async function loadTrainingData(config: TrainConfig, labelClasses: number): Promise<LoadedData> {
  const rasters: { entry: TrainImage; img: MultiChannelImage }[] = [];
  // Images with tiled labels are read region by region; only their header is read here.
  const tiled: { entry: TrainImage; channels: number; bitDepth: 8 | 16 | 32 }[] = [];
  for (const entry of config.images) {
    if (entry.annotation.kind === 'labelTiles')
      tiled.push({ entry, ...(await lazyImageHeader(entry.image)) });
    else rasters.push({ entry, img: await readInputImage(entry.image) });
  }
  // Region-read images train as gray or RGB (their chosen channels are refused before a run
  // starts); otherwise the network takes the images' (or the chosen) channel count.
  const regionChannels: 1 | 3 = [
    ...rasters.map((r) => r.img.channels),
    ...tiled.map((t) => t.channels),
  ].every((c) => c >= 3)
    ? 3
    : 1;
  const channels = tiled.length > 0 ? regionChannels : networkChannels(rasters, config.inputChannels?.length);
  const labels: Annotation[] = [];
  for (const { entry, img } of rasters)
    labels.push(await loadAnnotation(entry, img.width, img.height, labelClasses));
  const touchingImage =
    config.objectBorders === 'auto' && labelClasses === 2
      ? await firstTouching(rasters, labels, tiled)
      : null;
  const objectBorders = config.objectBorders === true || touchingImage !== null;
  const numClasses = objectBorders ? 3 : labelClasses;
  const cacheDir = join(config.outDir, 'cache');
  const samples: LoadedSample[] = [];
  for (const { entry } of tiled) {
    if (entry.annotation.kind !== 'labelTiles') continue;
    samples.push(
      ...(await tiledLabelSamples(entry.image, entry.annotation.dir, entry.annotation.imageId, {
        channels: regionChannels,
        numClasses,
        w0: config.w0,
        sigma: config.sigma,
        classBalance: config.classBalance,
        objectBorders,
        context: resolveSettings(config, channels).tileSize,
      })),
    );
  }
  const first = [...rasters, ...tiled].find((r) => r.entry === config.images[0]);
  const scale = scaleOfBitDepth(
    first === undefined ? 8 : 'img' in first ? first.img.bitDepth : first.bitDepth,
  );
  let cacheHits = 0;
  for (const [k, { entry, img }] of rasters.entries()) {
    const { width, height } = img;
    const label = labels[k];
    const { map, cached } = await cachedWeightMap(
      cacheDir,
      {
        labelBytes: label.bytes,
        w0: config.w0,
        sigma: config.sigma,
        classBalance: config.classBalance,
        numClasses,
        objectBorders,
      },
      width * height,
      () =>
        computeAnnotationWeightMap({
          classes: label.classes,
          instances: label.instances,
          width,
          height,
          numClasses,
          w0: config.w0,
          sigma: config.sigma,
          classBalance: config.classBalance,
          objectBorders,
        }),
    );
    if (cached) cacheHits++;
    let labelledPixels = 0;
    for (const w of map.weights) if (w > 0) labelledPixels++;
    samples.push({
      name: basename(entry.image, extname(entry.image)),
      imagePath: entry.image,
      width,
      height,
      channels,
      image: scaled(pixelsWithChannels(img, channels, entry.image), scaleOfBitDepth(img.bitDepth)),
      targets: map.targets,
      weights: map.weights,
      labelledPixels,
    });
  }
  return { samples, channels, scale, cacheHits, objectBorders, touchingImage };
}

/**
 * The first image (file name) whose labelled objects touch (touchingObjects): the loaded
 * labels of whole images, then the stored tiles of large ones; null when none do.
 */
async function firstTouching(
  rasters: readonly { entry: TrainImage; img: MultiChannelImage }[],
  labels: readonly Annotation[],
  tiled: readonly { entry: TrainImage }[],
): Promise<string | null> {
  for (const [k, { entry, img }] of rasters.entries())
    if (objectsTouch(labels[k].instances, img.width, img.height)) return basename(entry.image);
  for (const { entry } of tiled) {
    const source = entry.annotation;
    if (source.kind === 'labelTiles' && (await labelTilesTouch(source.dir, source.imageId)))
      return basename(entry.image);
  }
  return null;
}

/**
 * The network's input channels for these images: `chosen` (the count of the chosen channels)
 * when given, or when some image is neither gray, RGB nor RGBA, the one count all images share;
 * otherwise 3 when all are RGB(A), else 1 (colour averaged to gray). Images of differing
 * counts that cannot be converted -> 'invalid_argument' naming two of them.
 */
export function networkChannels(
  rasters: readonly { entry: TrainImage; img: MultiChannelImage }[],
  chosen?: number,
): number {
  const plain = (c: number) => c === 1 || c === 3 || c === 4;
  const odd = rasters.find((r) => !plain(r.img.channels));
  const count = chosen ?? odd?.img.channels;
  if (count === undefined) return rasters.every((r) => r.img.channels >= 3) ? 3 : 1;
  const other = rasters.find((r) => r.img.channels !== count);
  if (other !== undefined) {
    const first = rasters.find((r) => r.img.channels === count)?.entry.image ?? `${count} chosen channels`;
    throw new AppError(
      'invalid_argument',
      `${other.entry.image} has ${other.img.channels} channel(s) but ${first} has ${count}: ` +
        'training images must have the same channels',
    );
  }
  return count;
}

function scaled(data: Float32Array, scale: number): Float32Array {
  if (scale !== 1) for (let i = 0; i < data.length; i++) data[i] /= scale;
  return data;
}

interface Annotation {
  classes: Uint8Array;
  instances: Int32Array;
  bytes: Uint8Array[];
}

async function loadAnnotation(
  entry: TrainImage,
  width: number,
  height: number,
  numClasses: number,
): Promise<Annotation> {
  const source = entry.annotation;
  if (source.kind === 'mask') {
    const img = await readLabel(source.path, width, height, entry.image);
    const mask = maskFromImage(img);
    // Every pixel of a mask is labelled: 0 -> background (annotation class 1). With two network
    // classes any nonzero value is foreground (2); with more, mask class k becomes k + 1.
    const classes = new Uint8Array(width * height);
    for (let i = 0; i < classes.length; i++) {
      const k = mask.classes[i];
      classes[i] = k === 0 ? 1 : numClasses === 2 ? 2 : k + 1;
    }
    return { classes, instances: mask.instances, bytes: [await readBytes(source.path)] };
  }
  if (source.kind === 'labelTiles')
    throw new AppError(
      'invalid_argument',
      `${entry.image}: tiled labels are read by regions (tiledLabelSamples)`,
    );
  const classImage = await readLabel(source.classesPath, width, height, entry.image);
  const classes = new Uint8Array(width * height);
  for (let i = 0; i < classes.length; i++) {
    const value = classImage.data[i * classImage.channels];
    if (!Number.isInteger(value) || value > 255) {
      throw new AppError('corrupt_file', `${source.classesPath}: class map values must be integers 0..255`);
    }
    // 0 = unlabelled, 1 = background, 2..numClasses = foreground classes of the network.
    if (value > numClasses) {
      throw new AppError(
        'invalid_argument',
        `${source.classesPath}: class ${value} at (${i % width}, ${Math.floor(i / width)}) is not a class of ` +
          `this model (values 0..${numClasses}: 0 unlabelled, 1 background, 2.. foreground)`,
      );
    }
    classes[i] = value;
  }
  const bytes = [await readBytes(source.classesPath)];
  let instances: Int32Array;
  if (source.instancesPath !== undefined) {
    const ids = await readLabel(source.instancesPath, width, height, entry.image);
    instances = new Int32Array(width * height);
    for (let i = 0; i < instances.length; i++) instances[i] = ids.data[i * ids.channels];
    bytes.push(await readBytes(source.instancesPath));
  } else {
    // No instance ids: the objects are the connected components of the foreground classes.
    const foreground = new Uint8Array(width * height);
    for (let i = 0; i < classes.length; i++) foreground[i] = classes[i] >= 2 ? 255 : 0;
    instances = maskFromImage({ width, height, channels: 1, bitDepth: 8, data: foreground }).instances;
  }
  return { classes, instances, bytes };
}

async function readLabel(
  path: string,
  width: number,
  height: number,
  imagePath: string,
): Promise<RasterImage> {
  const img = await readImage(path);
  if (img.width !== width || img.height !== height) {
    throw new AppError(
      'size_mismatch',
      `${path} is ${img.width}x${img.height} but its image ${imagePath} is ${width}x${height}`,
    );
  }
  return img;
}

async function readBytes(path: string): Promise<Uint8Array> {
  try {
    return new Uint8Array(await readFile(path));
  } catch (error) {
    throw fsError(error, path);
  }
}

/**
 * Normalises every sample's pixels in place (they are already scaled by their bit depth):
 * mean/std x' = (x - mean[c]) / std[c], or each image's own percentiles (as prediction does;
 * a region of a large image takes its whole image's).
 */
export async function normalizeSamples(samples: LoadedSample[], norm: Normalization): Promise<void> {
  const unscaled: Normalization = norm.kind === 'percentile' ? norm : { ...norm, scale: 1 };
  for (const s of samples) {
    if (norm.kind === 'percentile' && s.percentileBounds !== undefined)
      scaleByBounds(s.image, await s.percentileBounds(norm), norm.epsilon);
    else applyNormalization(s.image, s.channels, unscaled);
  }
}
