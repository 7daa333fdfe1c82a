export * from './exportModelPackage';
export * from './openModelPackage';
export * from './packageForPrediction';
export * from './packagePredictor';
export {
  applyProcessing,
  type NormalizationSpec,
  type ProcessingStep,
  percentile,
  preprocessingFor,
} from './preprocessing';
export type { PackageAuthor, PackageInfo } from './rdf';
