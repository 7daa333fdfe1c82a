export {
  type AnnotationWeightMapArgs,
  type ClassBalance,
  computeAnnotationWeightMap,
  type WeightMap,
  type WeightMapOptions,
} from './computeAnnotationWeightMap';
export { computeWeightMap } from './computeWeightMap';
export { BORDER_CLASS, withObjectBorders } from './objectBorders';
export { separateInstances } from './separateInstances';
