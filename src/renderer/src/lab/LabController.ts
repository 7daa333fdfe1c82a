import type { Result, Unsubscribe } from '../../../shared/api';
import type { ExportRequest, PredictTarget, TrainingRequest } from '../../../shared/apiModels';
import { LARGE_IMAGE_PIXELS } from '../../../shared/imageData';
import type { JobUpdate } from '../../../shared/jobs';
import { Store } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { applyAcceptedPatch } from './applyAcceptedPatch';
import { initialLabState, type LabState, type StudioMode } from './labState';
import { predictionNote, withNote } from './predictNotes';

/** Live curve points kept before the curve is reloaded, averaged, from the run log. */
const LIVE_POINTS_LIMIT = 4000;

/**
 * The actions of the training, compare and export screens. Talks to the API through the studio
 * controller's client, follows job events (training runs: jobId = runId; prediction jobs), and
 * keeps its small observable state. Training itself belongs to the main side: this only watches.
 */
export class LabController {
  /** Counts compare-image loads, so that an older one finishing late is dropped. */
  private compareLoads = 0;

  readonly store = new Store<LabState>(initialLabState);
  private previewBusy = false;
  private previewAgain = false;
  private reloadingCurve = false;

  constructor(readonly studio: StudioController) {}

  private get api() {
    return this.studio.api;
  }

  /** Subscribes to job events; returns the unsubscribe (call from an effect). */
  attach(): Unsubscribe {
    return this.api.onJobEvent((event) => this.onJobEvent(event));
  }

  setMode(mode: StudioMode): void {
    this.store.set({ mode });
    // A notice or an error belongs to the screen that raised it: another tab starts clean.
    const { notice, error } = this.studio.store.get();
    if (notice !== null || error !== null) this.studio.store.set({ notice: null, error: null });
    if (mode === 'compare') void this.refresh().then(() => this.compareOnArrival());
    else if (mode !== 'annotate') void this.refresh();
  }

  /**
   * The Compare tab computes as it opens: the metrics, and a prediction of the annotated images
   * model A has not predicted yet (its 'done' recomputes the metrics).
   */
  private async compareOnArrival(): Promise<void> {
    const s = this.store.get();
    if (s.mode !== 'compare' || s.compareModels.length === 0) return;
    await this.runCompare();
    const after = this.store.get();
    const modelA = after.compareModels[0];
    const missing = after.compare?.missing.filter((m) => m.modelId === modelA).map((m) => m.imageId) ?? [];
    if (missing.length > 0 && after.job?.status !== 'running')
      await this.predict(modelA, { imageIds: missing });
  }

  /** Reloads images, runs and models; watches the newest run when none is watched. */
  async refresh(): Promise<void> {
    const [images, runs, models] = await Promise.all([
      this.api.listTrainableImages(),
      this.api.listRuns(),
      this.api.listModels(),
    ]);
    const patch: Partial<LabState> = {};
    const imgs = this.unwrap(images, 'Images');
    if (imgs) patch.images = imgs;
    const r = this.unwrap(runs, 'Training runs');
    if (r) patch.runs = r;
    const m = this.unwrap(models, 'Models');
    if (m) {
      patch.models = m;
      const known = this.store.get().compareModels.filter((id) => m.some((x) => x.modelId === id));
      patch.compareModels = known.length > 0 ? known : m.length > 0 ? [m[0].modelId] : [];
    }
    this.store.set(patch);
    const s = this.store.get();
    if (s.trainsOn === null) void this.loadBackend();
    if (s.runId === null && s.runs.length > 0) await this.watch(s.runs[0].runId);
  }

  /** Asks once what training runs on (the engine picks it the same way in the training process). */
  private async loadBackend(): Promise<void> {
    const info = this.unwrap(await this.api.getBackendInfo(), 'Backend');
    if (!info) return;
    const warnings =
      info.description === null && info.detail ? [info.detail, ...info.warnings] : info.warnings;
    this.store.set({ trainsOn: { description: info.description ?? 'no backend could start', warnings } });
  }

  /** Shows a run's curves (the whole log) and figures. */
  async watch(runId: string): Promise<void> {
    const log = this.unwrap(await this.api.getRunLog(runId, -1), 'Run log');
    if (!log) return;
    const run = log.run;
    this.store.set({
      runId,
      points: log.points,
      backend: run.backend,
      live: {
        step: run.step,
        totalSteps: run.totalSteps,
        loss: run.lastLoss,
        tilesPerSecond: null,
        etaSeconds: null,
        elapsedSeconds: run.elapsedSeconds,
        message: run.message,
      },
    });
    this.replaceRun(run);
  }

  async startTraining(request: TrainingRequest): Promise<void> {
    await this.studio.flushAll();
    const run = this.unwrap(await this.api.startTraining(request), 'Start training');
    if (!run) return;
    this.store.set({
      runId: run.runId,
      points: [],
      live: null,
      backend: null,
      preview: null,
      initFromModel: null,
    });
    this.replaceRun(run);
    // Asks the new run's process for previews of the chosen image from its first checkpoint on.
    void this.loadPreview();
  }

  async stopTraining(runId: string): Promise<void> {
    this.patchRun(runId, { status: 'stopping' });
    const run = this.unwrap(await this.api.stopTraining(runId), 'Stop training');
    if (run) this.replaceRun(run);
    await this.refreshModels();
  }

  async resumeTraining(runId: string): Promise<void> {
    await this.studio.flushAll();
    const run = this.unwrap(await this.api.resumeTraining(runId), 'Resume training');
    if (!run) return;
    if (this.store.get().runId !== runId) await this.watch(runId);
    this.replaceRun(run);
    void this.loadPreview();
  }

  setPreviewImage(imageId: string | null): void {
    this.store.set({ previewImageId: imageId, preview: null, previewPixels: null });
    if (imageId === null) return;
    void this.api.getImagePixels(imageId).then((r) => {
      const px = this.unwrap(r, 'Load preview image');
      if (px && this.store.get().previewImageId === imageId) this.store.set({ previewPixels: px });
    });
    void this.loadPreview();
  }

  /**
   * The watched run's latest preview of the chosen image (a live run's training process
   * computes it, and says so with a `preview` event). One request at a time: a refresh asked
   * for meanwhile runs once the current one is back.
   */
  async loadPreview(): Promise<void> {
    if (this.previewBusy) {
      this.previewAgain = true;
      return;
    }
    const { runId, previewImageId } = this.store.get();
    if (runId === null || previewImageId === null) return;
    this.previewBusy = true;
    try {
      const r = await this.api.getPreview(runId, previewImageId);
      // No checkpoint yet is not worth a banner: the view says so.
      const now = this.store.get();
      if (r.ok && now.runId === runId && now.previewImageId === previewImageId)
        this.store.set({ preview: r.value });
    } finally {
      this.previewBusy = false;
    }
    if (this.previewAgain) {
      this.previewAgain = false;
      await this.loadPreview();
    }
  }

  async predict(modelId: string, target: PredictTarget): Promise<void> {
    const r = this.unwrap(await this.api.predictImages(modelId, target), 'Predict');
    // An earlier export's result no longer describes the predictions this job writes.
    if (r)
      this.store.set({
        exported: null,
        job: {
          jobId: r.jobId,
          modelId,
          status: 'running',
          fraction: 0,
          message: 'starting…',
          backend: null,
          notes: [],
        },
      });
  }

  async cancelJob(jobId: string): Promise<void> {
    this.unwrap(await this.api.cancelJob(jobId), 'Cancel');
  }

  setCompareModels(modelIds: string[]): void {
    this.store.set({ compareModels: modelIds, compare: null });
    void this.runCompare();
  }

  async runCompare(): Promise<void> {
    const ids = this.store.get().compareModels;
    if (ids.length === 0) return;
    const r = this.unwrap(await this.api.compareModels(ids, null), 'Compare');
    if (!r) return;
    const current = this.store.get().compareImageId;
    const keep = current !== null && r.rows.some((row) => row.imageId === current);
    this.store.set({ compare: r, compareImageId: keep ? current : (r.rows[0]?.imageId ?? null) });
    await this.loadCompareImage();
  }

  selectCompareImage(imageId: string): void {
    this.store.set({ compareImageId: imageId });
    void this.loadCompareImage();
  }

  /** Loads the compare image's pixels, annotation and each compared model's prediction. */
  async loadCompareImage(): Promise<void> {
    const { compareImageId: imageId, compareModels, images } = this.store.get();
    if (imageId === null) return;
    const image = images.find((i) => i.imageId === imageId);
    // An image too large to hold is scored, but has no whole-image view (ComparePanel says so).
    if (image !== undefined && image.width * image.height > LARGE_IMAGE_PIXELS) {
      this.store.set({ compareData: null });
      return;
    }
    // Loads overlap (Compare's arrival and a prediction finishing both reload): the last one wins.
    const load = ++this.compareLoads;
    await this.studio.flushAll();
    const [pixels, annotation, ...predictions] = await Promise.all([
      this.api.getImagePixels(imageId),
      this.api.getAnnotation(imageId),
      ...compareModels.map((id) => this.api.getPrediction(id, imageId)),
    ]);
    const px = this.unwrap(pixels, 'Load image');
    const ann = this.unwrap(annotation, 'Load annotation');
    if (!px || !ann || this.store.get().compareImageId !== imageId || load !== this.compareLoads) return;
    this.store.set({
      compareData: {
        imageId,
        pixels: px,
        annotation: ann,
        // Not predicted yet is shown as such in the view, not as an error.
        predictions: predictions.map((p) => (p.ok ? p.value : null)),
      },
    });
  }

  /**
   * Takes over a prediction (whole, or the listed objects) into the annotation as one undoable
   * edit, then shows the annotation screen so it can be corrected with the painting tools.
   */
  async accept(imageId: string, modelId: string, objects?: number[]): Promise<void> {
    await this.studio.flushAll();
    const r = this.unwrap(
      await this.api.acceptPrediction(imageId, modelId, { objects }),
      'Accept prediction',
    );
    if (!r) return;
    await this.studio.selectImage(imageId);
    const session = this.studio.current();
    if (!session || session.imageId !== imageId) return;
    applyAcceptedPatch(session.doc, r);
    this.studio.gestureEnded();
    this.store.set({ mode: 'annotate' });
  }

  /** Retrain from a model: opens the training panel with it as the starting point. */
  retrainFrom(modelId: string): void {
    this.store.set({ initFromModel: modelId });
    this.setMode('train');
  }

  async exportMasks(request: ExportRequest): Promise<void> {
    this.store.set({ exported: null });
    const r = this.unwrap(await this.api.exportMasks(request), 'Export masks');
    if (r) this.store.set({ exported: r });
  }

  private async refreshModels(): Promise<void> {
    const m = this.unwrap(await this.api.listModels(), 'Models');
    if (m) this.store.set({ models: m });
  }

  private onJobEvent(event: JobUpdate): void {
    const s = this.store.get();
    if (s.job !== null && event.jobId === s.job.jobId) {
      this.onPredictEvent(event);
      return;
    }
    if (event.jobKind !== 'training') return;
    if (event.jobId !== s.runId) {
      if (event.kind === 'done' || event.kind === 'cancelled' || event.kind === 'failed') void this.refresh();
      return;
    }
    switch (event.kind) {
      case 'started':
        this.store.set({ backend: event.backend ?? null });
        this.patchRun(event.jobId, { status: 'running', backend: event.backend ?? null });
        break;
      case 'progress': {
        const resumedFrom = event.resumedFrom;
        let points = s.points;
        if (resumedFrom !== undefined) points = points.filter((p) => p.step <= resumedFrom);
        if (event.loss !== undefined) points = [...points, { step: event.step, loss: event.loss }];
        // Hours of live points: reload the (bucket-averaged) curve from the log instead.
        if (points.length > LIVE_POINTS_LIMIT && !this.reloadingCurve) {
          this.reloadingCurve = true;
          void this.watch(event.jobId).finally(() => {
            this.reloadingCurve = false;
          });
        }
        this.store.set({
          points,
          live: {
            step: event.step,
            totalSteps: event.totalSteps ?? s.live?.totalSteps ?? null,
            loss: event.loss ?? s.live?.loss ?? null,
            tilesPerSecond: event.tilesPerSecond ?? null,
            etaSeconds: event.etaSeconds ?? null,
            elapsedSeconds: event.elapsedSeconds ?? s.live?.elapsedSeconds ?? null,
            message: event.message ?? null,
          },
        });
        this.patchRun(event.jobId, { step: event.step, status: 'running' });
        break;
      }
      case 'validation': {
        const iou = event.metrics.foregroundIoU;
        if (iou !== undefined)
          this.store.set({ points: [...s.points, { step: event.step, validationIoU: iou }] });
        void this.loadPreview();
        void this.refreshRun(event.jobId);
        break;
      }
      case 'checkpoint':
        void this.refreshRun(event.jobId);
        void this.loadPreview();
        break;
      case 'preview':
        // The training process wrote a new preview: show it when it is the watched image's.
        if (event.imageId === s.previewImageId) void this.loadPreview();
        break;
      case 'done':
      case 'cancelled':
      case 'failed':
        // A crash reads as "interrupted" in the run list; its message offers the resume.
        void this.refresh().then(() => this.loadPreview());
        break;
    }
  }

  private onPredictEvent(event: JobUpdate): void {
    const job = this.store.get().job;
    if (!job) return;
    switch (event.kind) {
      case 'started':
        this.store.set({ job: { ...job, backend: event.backend ?? null } });
        break;
      case 'progress': {
        const names = this.studio.store.get().project?.images.map((i) => i.name) ?? [];
        const note = event.message === undefined ? null : predictionNote(event.message, names);
        this.store.set({
          job: {
            ...job,
            fraction: event.fraction ?? job.fraction,
            message: event.message ?? job.message,
            notes: withNote(job.notes, note),
          },
        });
        break;
      }
      case 'done': {
        const result = event.result;
        // Say how many, and for a folder where its masks went.
        const count = result && 'predicted' in result ? `: ${result.predicted} image(s) predicted` : '';
        const where = result && 'outDir' in result && result.outDir ? `, masks in ${result.outDir}` : '';
        this.store.set({ job: { ...job, status: 'done', fraction: 1, message: `done${count}${where}` } });
        void this.runCompare();
        break;
      }
      case 'cancelled':
        this.store.set({ job: { ...job, status: 'cancelled', message: 'cancelled' } });
        break;
      case 'failed':
        this.store.set({ job: { ...job, status: 'failed', message: event.error.message } });
        this.studio.reportError('Predict', { code: event.error.code, message: event.error.message });
        break;
      case 'checkpoint':
      case 'validation':
      case 'preview':
        break;
    }
  }

  private async refreshRun(runId: string): Promise<void> {
    const runs = this.unwrap(await this.api.listRuns(), 'Training runs');
    if (runs) this.store.set({ runs });
    // A validation may have written the run's first (or a better) model.
    if (this.store.get().runId === runId) await this.refreshModels();
  }

  private replaceRun(run: LabState['runs'][number]): void {
    const runs = this.store.get().runs;
    const next = runs.some((r) => r.runId === run.runId)
      ? runs.map((r) => (r.runId === run.runId ? run : r))
      : [run, ...runs];
    this.store.set({ runs: next });
  }

  private patchRun(runId: string, patch: Partial<LabState['runs'][number]>): void {
    this.store.set({ runs: this.store.get().runs.map((r) => (r.runId === runId ? { ...r, ...patch } : r)) });
  }

  private unwrap<T>(r: Result<T>, context: string): T | null {
    if (r.ok) return r.value;
    this.studio.reportError(context, r.error);
    return null;
  }
}
