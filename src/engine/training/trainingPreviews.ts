import type { Normalization, UNet } from '../model/index';
import { modelInput } from '../prediction/modelInput';
import { foregroundProbability } from '../prediction/modelPredictor';
import { foregroundOfObjectBorders } from '../prediction/objectBorderOutput';
import { createTfPredictor } from '../prediction/Predictor';
import { predictImage } from '../prediction/predictImage';
import { chooseTileSize } from '../prediction/tileLayout';
import { previewPath, writePreviewFile } from './previewFile';
import { readInputImage } from './readInputImage';

/** An image to preview: the caller's id (which names the file) and where to read it. */
export interface PreviewRequest {
  imageId: string;
  path: string;
  /** Page of a multi-page TIFF (default 0). */
  page?: number;
}

/** Images previewed at once, most recently asked first; older requests drop out. */
const MAX_PREVIEWS = 4;
/** Largest preview tile edge beyond the training tile (as validation: one moderate pass). */
const PREVIEW_TILE = 700;

interface Entry {
  request: PreviewRequest;
  /** Normalised network input, read once. */
  input?: { data: Float32Array; width: number; height: number };
  /** Step of its latest preview file, or -1. */
  step: number;
  /** Asked for since its latest preview: someone is still watching. */
  wanted: boolean;
}

/**
 * The previews a training process computes from the weights it holds: the images someone asked
 * to watch (`request`, at any time) are predicted at the next checkpoint or validation
 * (`refresh`), and a newly asked one as soon as the run has weights worth showing (`serveNew`).
 * Each preview is written as a small file (previewFile) and announced through `onWritten`. An
 * image is previewed again only once it has been asked for again since (a watching page asks
 * each time it fetches one), so a run nobody watches spends nothing on previews. Runs on the
 * training backend with TF.js, tensors freed per call.
 */
export class TrainingPreviews {
  private readonly entries: Entry[] = [];
  /**
   * The run learns object borders: previews show foreground = interior + border, as prediction
   * does. Set by `train` once the run has settled it (the fast preset decides from the labels).
   */
  objectBorders = false;

  constructor(
    private readonly outDir: string,
    private readonly onWritten: (imageId: string, step: number) => void,
  ) {}

  /** Asks for previews of an image (again: moves it to the front). */
  request(request: PreviewRequest): void {
    previewPath(this.outDir, request.imageId);
    const at = this.entries.findIndex((e) => e.request.imageId === request.imageId);
    const entry = at >= 0 ? this.entries.splice(at, 1)[0] : { request, step: -1, wanted: true };
    entry.wanted = true;
    this.entries.unshift(entry);
    this.entries.length = Math.min(this.entries.length, MAX_PREVIEWS);
  }

  /** True when an asked image has no preview yet. */
  get hasNew(): boolean {
    return this.entries.some((e) => e.step < 0);
  }

  /** Previews the images asked for since their last preview, at `step` (a checkpoint or validation). */
  async refresh(unet: UNet, normalization: Normalization, step: number): Promise<void> {
    for (const entry of this.entries.filter((e) => e.wanted && e.step !== step))
      await this.preview(entry, unet, normalization, step);
  }

  /** Previews the asked images that have none yet. */
  async serveNew(unet: UNet, normalization: Normalization, step: number): Promise<void> {
    for (const entry of this.entries.filter((e) => e.step < 0))
      await this.preview(entry, unet, normalization, step);
  }

  /** One preview; an image that cannot be read or predicted drops out (training goes on). */
  private async preview(entry: Entry, unet: UNet, normalization: Normalization, step: number): Promise<void> {
    try {
      await this.write(entry, unet, normalization, step);
    } catch (error) {
      this.entries.splice(this.entries.indexOf(entry), 1);
      const reason = error instanceof Error ? error.message : String(error);
      process.stderr.write(`[train] no preview of ${entry.request.imageId}: ${reason}\n`);
    }
  }

  private async write(entry: Entry, unet: UNet, normalization: Normalization, step: number): Promise<void> {
    const { imageId, path, page } = entry.request;
    const channels = unet.config.inputChannels;
    if (entry.input === undefined) {
      const img = await readInputImage(path, page ?? 0);
      const data = modelInput(img, channels, normalization, path);
      entry.input = { data, width: img.width, height: img.height };
    }
    const { data, width, height } = entry.input;
    const cap = Math.max(unet.inputSize, PREVIEW_TILE);
    const view = unet.withInputSize(chooseTileSize(width, height, unet.config.depth, cap));
    const predictor = createTfPredictor(view);
    try {
      const raw = await predictImage(data, width, height, channels, predictor);
      const borders = this.objectBorders ? foregroundOfObjectBorders(raw) : null;
      const result = borders ?? raw;
      const classCount = borders === null ? unet.config.classes : 2;
      await writePreviewFile(previewPath(this.outDir, imageId), {
        ...(borders === null ? {} : { interior: borders.interior }),
        step,
        at: new Date().toISOString(),
        width,
        height,
        classCount,
        classes: result.classes,
        foreground: foregroundProbability(result.probabilities, classCount),
      });
    } finally {
      await predictor.dispose();
      view.dispose();
    }
    entry.step = step;
    entry.wanted = false;
    this.onWritten(imageId, step);
  }
}
