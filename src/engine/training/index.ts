export { writeChannelInputs } from './channelInputs';
export { type CheckpointData, type CheckpointTensor, loadCheckpoint } from './checkpointStore';
export { type MatchedPairs, matchTrainingPairs } from './matchTrainingPairs';
export {
  previewPath,
  readPreviewFile,
  type TrainingPreview,
  writePreviewFile,
} from './previewFile';
export type { Clock } from './progressMeter';
export { type CheckpointModel, readCheckpointModel } from './readCheckpointModel';
export { readInputImage } from './readInputImage';
export { type LabelledRegion, regionTrainingSamples } from './regionSamples';
export { type LossPoint, lossCurve, parseRunLog, type RunLogLine, readRunLog } from './runLog';
export { splitSamples } from './splitSamples';
export {
  defaultTrainingProcessFactory,
  type ProcessFactory,
  startTrainingProcess,
  type TrainChildMessage,
  type TrainingOutcome,
  type TrainingProcess,
  type TrainParentMessage,
} from './startTrainingProcess';
export { type TrainOptions, type TrainResult, train } from './train';
export {
  type AnnotationSource,
  parseTrainConfig,
  type TrainConfig,
  type TrainConfigInput,
  TrainConfigSchema,
  type TrainImage,
} from './trainConfig';
export { type PreviewRequest, TrainingPreviews } from './trainingPreviews';
