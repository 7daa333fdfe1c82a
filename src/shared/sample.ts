/**
 * The sample project the start page offers ("Try the sample"): synthetic fluorescence nuclei
 * made by code (src/app/sample), three images annotated, one left to paint, one never
 * annotated, and the exact ground truth of every image in `truth/` beside them.
 */
export const SAMPLE = {
  projectName: 'Sample: fluorescent nuclei',
  folderName: 'unet-studio-sample',
  /** Images, in order; the first `annotated` come labelled from the ground truth. */
  images: ['nuclei_1.png', 'nuclei_2.png', 'nuclei_3.png', 'nuclei_4.png', 'nuclei_5.png'],
  annotated: 3,
  /** Folder (inside the project) of the ground-truth object ids, one 16-bit PNG per image. */
  truthFolder: 'truth',
  /** The tour's training budget (minutes). */
  trainMinutes: 2,
} as const;
