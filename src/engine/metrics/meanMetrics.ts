import { AppError } from '../../shared/errors';
import type { SegmentationMetrics } from './evaluateSegmentation';

type Scalar = Exclude<keyof SegmentationMetrics, 'iou' | 'dice'>;

/**
 * The per-image mean of every score (macro average: each image counts once, whatever its
 * size). Per-class IoU/Dice are averaged index by index over the images that have that class
 * index; object counts are averaged too (objects per image). An empty list -> 'invalid_argument'.
 */
export function meanMetrics(list: SegmentationMetrics[]): SegmentationMetrics {
  if (list.length === 0) throw new AppError('invalid_argument', 'No images to average.');
  const avg = (key: Scalar) => list.reduce((sum, m) => sum + m[key], 0) / list.length;
  return {
    iou: perClassMean(list.map((m) => m.iou)),
    dice: perClassMean(list.map((m) => m.dice)),
    meanIoU: avg('meanIoU'),
    meanDice: avg('meanDice'),
    foregroundIoU: avg('foregroundIoU'),
    pixelError: avg('pixelError'),
    randError: avg('randError'),
    seg: avg('seg'),
    objectPrecision: avg('objectPrecision'),
    objectRecall: avg('objectRecall'),
    objectF1: avg('objectF1'),
    truthObjects: avg('truthObjects'),
    predictedObjects: avg('predictedObjects'),
  };
}

function perClassMean(rows: number[][]): number[] {
  const width = Math.max(...rows.map((r) => r.length));
  return Array.from({ length: width }, (_, c) => {
    const values = rows.filter((r) => c < r.length).map((r) => r[c]);
    return values.reduce((a, b) => a + b, 0) / values.length;
  });
}
