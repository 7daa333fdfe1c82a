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
  /**
   * The tour's network: small enough to learn these 256 px images in two minutes on a laptop
   * CPU (measured: foreground IoU ~0.85 on a held-out image after 30 steps; see the sample-tour
   * e2e test), where the fast preset's 348 px tiles would manage only a few steps.
   */
  training: { baseFilters: 8, depth: 2, tileSize: 188, learningRate: 0.003 },
} as const;
