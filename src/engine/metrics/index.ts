export { compactLabels, connectedComponents } from './connectedComponents';
export {
  evaluateSegmentation,
  type SegmentationInput,
  type SegmentationMetrics,
} from './evaluateSegmentation';
export { type MaskLabels, maskFromImage } from './maskFromImage';
export { meanMetrics } from './meanMetrics';
export { type ObjectScores, objectScores } from './objectScores';
export { type OverlapTable, overlapTable } from './overlapTable';
export { type RandScores, randScores } from './randError';
