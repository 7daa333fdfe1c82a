export {
  type AnnotationWeightMapArgs,
  type ClassBalance,
  computeAnnotationWeightMap,
  type WeightMap,
  type WeightMapOptions,
} from './computeAnnotationWeightMap';
export { computeWeightMap } from './computeWeightMap';
export { separateInstances } from './separateInstances';
