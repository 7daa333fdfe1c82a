import type { LabelTile, LabelTileIndex, Result, StudioApi } from '../../../shared/api';
import type { LabelImportReport, MaskReading } from '../../../shared/dataImport';
import type { ErrorInfo } from '../../../shared/errors';
import type { ImageDisplay, ProjectSnapshot } from '../../../shared/schemas';
import type { Tool, ToolContext, ToolName } from '../annotation/tools/Tool';
import { applyImportedLabels } from '../dataImport/applyImportedLabels';
import { DisplayMemory } from '../display/DisplayMemory';
import { initialDisplay } from '../display/imageDisplay';
import { ImageSession, type SessionHooks } from './ImageSession';
import { Store } from './Store';
import { initialState, type StudioState } from './studioState';

/** Images kept open at once (pixels, labels, undo history). */
const MAX_SESSIONS = 6;
/** Label tile requests in flight at once while an image opens. */
const LABEL_TILE_REQUESTS = 8;

/**
 * The UI's actions: talks to the API, keeps one ImageSession per opened image, and writes the
 * small observable state. Components call these methods; they never call the API themselves.
 */
export class StudioController {
  readonly store = new Store<StudioState>(initialState);
  /** Opened images, least recently shown first (a Map keeps insertion order). */
  private readonly sessions = new Map<string, ImageSession>();
  private loadToken = 0;
  /** The tool the canvas is feeding (set by the canvas; keyboard Escape / Enter reach it here). */
  activeTool: Tool | null = null;

  constructor(readonly api: StudioApi) {}

  /** First load: shell info, recent projects, and the project the server already has open. */
  async init(): Promise<void> {
    this.api.onImportProgress((progress) => this.store.set({ importProgress: progress }));
    const [info, recent, project] = await Promise.all([
      this.api.appInfo(),
      this.api.getRecentProjects(),
      this.api.getProject(),
    ]);
    const appInfo = this.unwrap(info, 'Connecting');
    this.store.set({ appInfo, recent: this.unwrap(recent, 'Recent projects') ?? [] });
    const open = this.unwrap(project, 'Project');
    if (open) this.showProject(open);
  }

  /** The session of the shown image (null while none is loaded). */
  current(): ImageSession | null {
    const id = this.store.get().selectedImageId;
    return id ? (this.sessions.get(id) ?? null) : null;
  }

  async createProject(dir: string, name: string): Promise<void> {
    await this.busy('Creating project', async () => {
      const p = this.unwrap(await this.api.createProject(dir, name), `Create project in ${dir}`);
      if (p) this.showProject(p);
    });
  }

  async openProject(dir: string): Promise<void> {
    await this.busy('Opening project', async () => {
      const p = this.unwrap(await this.api.openProject(dir), `Open project ${dir}`);
      if (p) this.showProject(p);
    });
  }

  /** Opens the sample project (created on first use). */
  async openSample(): Promise<void> {
    await this.busy('Opening the sample', async () => {
      const p = this.unwrap(await this.api.openSample(), 'Open the sample');
      if (p) this.showProject(p);
    });
  }

  /** Native folder dialog (Electron), then create or open. */
  async pickProject(purpose: 'open' | 'create', name: string): Promise<void> {
    const picked = this.unwrap(await this.api.pickFolder(purpose), 'Choose folder');
    if (!picked || picked.cancelled || picked.paths.length === 0) return;
    if (purpose === 'open') await this.openProject(picked.paths[0]);
    else await this.createProject(picked.paths[0], name);
  }

  async closeProject(): Promise<void> {
    await this.flushAll();
    this.unwrap(await this.api.closeProject(), 'Close project');
    this.sessions.clear();
    const recent = this.unwrap(await this.api.getRecentProjects(), 'Recent projects') ?? [];
    this.store.set({ project: null, selectedImageId: null, recent, cursor: null });
  }

  /** Browser import: each file's bytes go to uploadImage; the first new image is shown. */
  async uploadFiles(files: readonly File[]): Promise<void> {
    await this.busy(`Importing ${files.length} file(s)`, async () => {
      let first: string | null = null;
      const duplicates: string[] = [];
      for (const file of files) {
        const bytes = new Uint8Array(await file.arrayBuffer());
        const r = this.unwrap(await this.api.uploadImage(file.name, bytes), `Import ${file.name}`);
        if (r) {
          this.store.set({ project: r.project });
          first ??= r.added[0]?.id ?? null;
          duplicates.push(...r.duplicates);
        }
      }
      if (first) await this.selectImage(first);
      this.noteDuplicates(duplicates);
    });
  }

  /** Stops the import that builds a large image's cache (nothing of it is kept). */
  async cancelImport(): Promise<void> {
    this.unwrap(await this.api.cancelImport(), 'Cancel import');
  }

  /** Electron import: native file dialog, then importImages by path; the first new image is shown. */
  async pickAndImport(): Promise<void> {
    const picked = this.unwrap(await this.api.pickFiles(), 'Choose images');
    if (!picked || picked.cancelled || picked.paths.length === 0) return;
    await this.busy('Importing', async () => {
      const r = this.unwrap(await this.api.importImages(picked.paths), 'Import images');
      if (!r) return;
      this.store.set({ project: r.project });
      const first = r.added[0]?.id;
      if (first) await this.selectImage(first);
      this.noteDuplicates(r.duplicates);
    });
  }

  /**
   * Makes mask files the annotations of their images (matched by base name, or all for
   * `options.imageId`): all or nothing on the main side. An image open here takes the new
   * labels as one undo step (Ctrl+Z brings its old labels back). An error comes back as is
   * (its message names the files) and is shown in the error banner too.
   */
  async importMasks(
    files: readonly File[],
    options: { imageId?: string; reading?: MaskReading },
  ): Promise<LabelImportReport | ErrorInfo> {
    let report: LabelImportReport | ErrorInfo = { code: 'internal', message: 'The import did not run.' };
    await this.busy(`Importing ${files.length} mask(s)`, async () => {
      await this.flushAll();
      const sent = await Promise.all(
        files.map(async (f) => ({ name: f.name, bytes: new Uint8Array(await f.arrayBuffer()) })),
      );
      const result = await this.api.importLabels(sent, options);
      if (!result.ok) {
        report = result.error;
        this.reportError('Import masks', result.error);
        return;
      }
      const r = result.value;
      const thumbs = { ...this.store.get().thumbVersion };
      for (const m of r.imported) thumbs[m.imageId] = (thumbs[m.imageId] ?? 0) + 1;
      this.store.set({ project: r.project, thumbVersion: thumbs });
      for (const m of r.imported) {
        const session = this.sessions.get(m.imageId);
        if (!session) continue;
        const labels = session.labelsReady
          ? this.unwrap(await this.api.getAnnotation(m.imageId), 'Import masks')
          : null;
        if (labels === null) {
          this.sessions.delete(m.imageId); // reloaded from disk when shown next
          continue;
        }
        applyImportedLabels(session.doc, labels);
        this.afterHistory(session);
      }
      report = { imported: r.imported, unmatched: r.unmatched };
    });
    return report;
  }

  /** Warns that files were already in the project (they were added again: the user may remove them). */
  private noteDuplicates(names: string[]): void {
    if (names.length === 0) return;
    const list = names.join(', ');
    this.store.set({
      notice: `Already in the project, added again: ${list}. Remove a copy with its ✕ if it was not meant.`,
    });
  }

  async renameImage(imageId: string, name: string): Promise<void> {
    const p = this.unwrap(await this.api.renameImage(imageId, name), 'Rename image');
    if (p) this.store.set({ project: p });
  }

  async removeImage(imageId: string): Promise<void> {
    const p = this.unwrap(await this.api.removeImage(imageId), 'Remove image');
    if (!p) return;
    this.sessions.delete(imageId);
    const selected = this.store.get().selectedImageId === imageId ? null : this.store.get().selectedImageId;
    this.store.set({ project: p, selectedImageId: selected });
  }

  /** Shows an image: loads pixels and labels once, then reuses the session (and its undo). */
  async selectImage(imageId: string): Promise<void> {
    const token = ++this.loadToken;
    // A notice is about what was just done (a fill refused, an import): not about the next image.
    if (this.store.get().notice !== null) this.store.set({ notice: null });
    await this.current()?.saver.flush();
    let session = this.sessions.get(imageId);
    if (session) {
      this.sessions.delete(imageId);
      this.sessions.set(imageId, session);
    }
    let labels: Promise<Result<LabelTileIndex>> | null = null;
    if (!session) {
      this.store.set({ loadingImage: true, selectedImageId: imageId });
      performance.mark('unet:image-requested');
      // The image's description first (the server answers in order when busy), the label tile
      // index right after; the view fetches the tiles it shows as soon as the session exists.
      const infoPending = this.api.getImageTileInfo(imageId);
      labels = this.api.getLabelTileIndex(imageId);
      const info = await infoPending;
      if (token !== this.loadToken) return;
      performance.mark('unet:image-received');
      const described = this.unwrap(info, 'Load image');
      if (!described) {
        this.store.set({ loadingImage: false, selectedImageId: null });
        return;
      }
      session = new ImageSession(imageId, described, this.hooks);
      this.sessions.set(imageId, session);
      this.evictOldSessions();
      performance.mark('unet:session-ready');
    }
    this.store.set({
      selectedImageId: imageId,
      loadingImage: false,
      sessionVersion: this.store.get().sessionVersion + 1,
      saveState: session.saver.saveState,
      // Each image keeps its own display (saved in the manifest): nothing carries over.
      display:
        this.displays.get(imageId) ??
        initialDisplay(this.store.get().project?.images.find((i) => i.id === imageId) ?? session.info),
      labelsLoading: !session.labelsReady,
    });
    // The Fill tolerance starts from each image's own noise and range (see fillTolerance.ts),
    // measured on a tile once it is here; the histogram waits for the same sample.
    this.store.set({ fillTolerance: session.fillTolerance, imageNoise: session.noise });
    if (session.sample === null) {
      const sampled = session;
      void sampled.loadSample().then(() => {
        if (this.store.get().selectedImageId !== sampled.imageId) return;
        this.store.set({
          fillTolerance: sampled.fillTolerance,
          imageNoise: sampled.noise,
          sessionVersion: this.store.get().sessionVersion + 1,
        });
      });
    }
    if (labels) await this.finishLabels(session, labels);
  }

  /** Fetches the stored label tiles the index lists (never-annotated tiles are not sent). */
  private async finishLabels(session: ImageSession, pending: Promise<Result<LabelTileIndex>>): Promise<void> {
    const index = this.unwrap(await pending, 'Load annotation');
    let tiles: LabelTile[] | null = index ? [] : null;
    if (index && tiles) {
      // A few requests at a time: a heavily annotated slide lists hundreds of tiles.
      const results: Result<LabelTile>[] = [];
      for (let i = 0; i < index.tiles.length; i += LABEL_TILE_REQUESTS) {
        const batch = index.tiles.slice(i, i + LABEL_TILE_REQUESTS);
        results.push(
          ...(await Promise.all(batch.map(([tx, ty]) => this.api.getLabelTile(session.imageId, tx, ty)))),
        );
      }
      for (const r of results) {
        const tile = this.unwrap(r, 'Load annotation');
        if (!tile) {
          tiles = null;
          break;
        }
        tiles.push(tile);
      }
    }
    if (index && tiles && !session.loadLabelTiles(index, tiles)) {
      this.reportError('Load annotation', {
        code: 'size_mismatch',
        message: `The saved labels are ${index.width}x${index.height}, the image is ${session.info.width}x${session.info.height}.`,
      });
    }
    if (!tiles || !session.labelsReady) this.sessions.delete(session.imageId);
    if (this.store.get().selectedImageId === session.imageId) {
      this.store.set({ labelsLoading: false, historyVersion: this.store.get().historyVersion + 1 });
    }
  }

  /**
   * Shows the image with new display settings and saves them with the project (once the
   * sliders rest for 400 ms), so they come back with the image and never leak to another.
   * Until the manifest has them, DisplayMemory holds them (switching images at once keeps them).
   */
  setDisplay(display: ImageDisplay): void {
    const imageId = this.store.get().selectedImageId;
    this.store.set({ display });
    if (imageId !== null) this.displays.set(imageId, display);
  }

  private readonly displays = new DisplayMemory((imageId, display) => {
    void this.api.setImageDisplay(imageId, display).then((r) => {
      if (!r.ok) this.reportError('Save display settings', r.error);
      else if (this.store.get().project?.dir === r.value.dir) this.store.set({ project: r.value });
    });
  });

  undo(): void {
    const s = this.current();
    if (!s?.doc.undo()) return;
    this.afterHistory(s);
  }

  redo(): void {
    const s = this.current();
    if (!s?.doc.redo()) return;
    this.afterHistory(s);
  }

  /** Called by the canvas after each gesture ends. */
  gestureEnded(): void {
    const s = this.current();
    if (!s) return;
    s.saver.changed();
    const cursor = this.store.get().cursor;
    this.store.set({
      historyVersion: this.store.get().historyVersion + 1,
      cursor: cursor && { ...cursor, label: this.labelText(cursor.x, cursor.y) },
    });
  }

  async flushAll(): Promise<void> {
    await Promise.all([...this.sessions.values()].map((s) => s.saver.flush()));
  }

  /** True while some image has edits not yet written (waiting for the autosave, or being saved). */
  hasUnsavedEdits(): boolean {
    return [...this.sessions.values()].some((s) => s.saver.saveState !== 'saved');
  }

  /** Asks the canvas to fit the image (key 0) or show it at 100% (key 1). */
  requestView(kind: 'fit' | 'actual'): void {
    this.store.set({ viewRequest: { kind, seq: (this.store.get().viewRequest?.seq ?? 0) + 1 } });
  }

  /** Sets the tool, ending any gesture of the previous one (Escape semantics for a half polygon). */
  setTool(tool: ToolName): void {
    if (tool === this.store.get().tool) return;
    this.activeTool?.cancel();
    this.store.set({ tool });
  }

  /** Escape: rolls back the gesture in progress. */
  cancelGesture(): void {
    this.activeTool?.cancel();
    this.gestureEnded();
  }

  /** Enter: finishes a polygon. */
  finishGesture(): void {
    this.activeTool?.finish();
    this.gestureEnded();
  }

  /** Copies the UI settings into the tool context before a gesture starts. */
  syncToolContext(ctx: ToolContext): void {
    const s = this.store.get();
    ctx.classId = s.classId;
    ctx.brushSize = s.brushSize;
    ctx.instanceMode = s.instanceMode;
    ctx.continueObject = s.continueObject;
    ctx.fillMode = s.fillMode;
    ctx.fillTolerance = s.fillTolerance;
  }

  reportError(context: string, info: ErrorInfo): void {
    this.store.set({ error: { context, info } });
  }

  /**
   * Keeps at most MAX_SESSIONS images in memory (a 4096² 16-bit image holds ~150 MB with its
   * labels and canvases): the least recently shown ones are saved and dropped, with their undo.
   */
  private evictOldSessions(): void {
    for (const [id, old] of this.sessions) {
      if (this.sessions.size <= MAX_SESSIONS) break;
      if (id === this.store.get().selectedImageId) continue;
      this.sessions.delete(id);
      void old.saver.flush();
    }
  }

  /** The label at (x, y) of the shown image as the status bar words it: "cell #3", "unlabelled". */
  labelText(x: number, y: number): string {
    const label = this.current()?.doc.labelAt(x, y);
    if (!label || label.classId === 0) return 'unlabelled';
    const cls = this.store.get().project?.classes.find((c) => c.id === label.classId);
    const name = cls?.name ?? `class ${label.classId}`;
    return label.instanceId ? `${name} #${label.instanceId}` : name;
  }

  private afterHistory(s: ImageSession): void {
    // An undone gesture may have given its instance id back: do not continue a freed object.
    if (s.ctx.currentObjectId >= s.doc.nextInstanceId) s.ctx.currentObjectId = 0;
    s.saver.changed();
    const cursor = this.store.get().cursor;
    this.store.set({
      historyVersion: this.store.get().historyVersion + 1,
      cursor: cursor && { ...cursor, label: this.labelText(cursor.x, cursor.y) },
    });
  }

  private readonly hooks: SessionHooks = {
    fetchTile: (id, level, tx, ty) => this.api.getImageTile(id, level, tx, ty),
    save: (id, patch) => this.api.saveAnnotationPatch(id, patch),
    onSaveState: (imageId, state, detail) => {
      const patch: Partial<StudioState> = {};
      if (this.store.get().selectedImageId === imageId) patch.saveState = state;
      if (detail.error) patch.error = { context: 'Autosave', info: detail.error };
      const project = this.store.get().project;
      const status = detail.status;
      if (status && project) {
        patch.project = {
          ...project,
          images: project.images.map((im) => (im.id === imageId ? { ...im, annotation: status } : im)),
        };
        const tv = this.store.get().thumbVersion;
        patch.thumbVersion = { ...tv, [imageId]: (tv[imageId] ?? 0) + 1 };
      }
      this.store.set(patch);
    },
    onPick: (v) => this.store.set({ classId: v.classId }),
    onFillRefused: (fraction) => {
      const { fillMode, fillTolerance } = this.store.get();
      const how =
        fillMode === 'intensity'
          ? `lower the tolerance (now ${fillTolerance})`
          : 'switch Fill to "image intensity", or outline the cell first';
      this.store.set({
        notice: `Fill stopped: it would have covered ${Math.round(fraction * 100)}% of the image. Click inside a cell, ${how}, or Shift-click to fill anyway.`,
      });
    },
  };

  private showProject(p: ProjectSnapshot): void {
    this.sessions.clear();
    this.displays.clear();
    this.store.set({ project: p, selectedImageId: null, error: null, cursor: null });
    const first = p.images[0]?.id;
    if (first) void this.selectImage(first);
  }

  private async busy(label: string, work: () => Promise<void>): Promise<void> {
    this.store.set({ busy: label });
    try {
      await work();
    } finally {
      this.store.set({ busy: null });
    }
  }

  /** The value of a Result, or null after showing its error. */
  private unwrap<T>(r: Result<T>, context: string): T | null {
    if (r.ok) return r.value;
    this.reportError(context, r.error);
    return null;
  }
}
