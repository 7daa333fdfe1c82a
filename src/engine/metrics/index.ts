export { compactLabels, connectedComponents } from './connectedComponents';
export { evaluateFolders, type FolderEvaluation, type ImageEvaluation } from './evaluateFolders';
export { evaluateLargeMasks } from './evaluateLargeMasks';
export {
  type ConfusionScores,
  confusionScores,
  evaluateSegmentation,
  type SegmentationInput,
  type SegmentationMetrics,
} from './evaluateSegmentation';
export { type MaskLabels, maskFromImage } from './maskFromImage';
export { meanMetrics } from './meanMetrics';
export { OverlapCounter } from './OverlapCounter';
export { type ObjectScores, objectScores } from './objectScores';
export { type OverlapTable, overlapTable } from './overlapTable';
export { type RandScores, randScores } from './randError';
export { type StreamedObject, StreamingComponents } from './StreamingComponents';
