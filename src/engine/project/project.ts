import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { AppError } from '../../shared/errors';
import type {
  Annotation,
  AnnotationPatch,
  ImagePixels,
  ImageTile,
  ImageTileInfo,
  LabelTile,
  LabelTileIndex,
} from '../../shared/imageData';
import {
  type AnnotationStatus,
  type ClassDef,
  DEFAULT_CLASSES,
  type ImageDisplay,
  type ImageEntry,
  PROJECT_SCHEMA_VERSION,
  type ProjectManifest,
  type ProjectSnapshot,
} from '../../shared/schemas';
import { fsError } from '../fsutil/index';
import { MemoryPyramid, type PyramidCacheOptions, readImage, readMicroscopyImage } from '../image/index';
import { annotationPaths } from './annotationFiles';
import { ImageLabels } from './ImageLabels';
import { ImagePyramids } from './ImagePyramids';
import { importImage, newImageId, thumbnailPath } from './importImage';
import { labelTileFolder, rollForwardLabelTiles } from './labelTiles';
import { importLargeTiff, importsAsLargeTiff, isLargeImage, pyramidCachePath } from './largeImage';
import { acquireProjectLock, type ProjectLock } from './projectLock';
import { MANIFEST_FILE, PROJECT_FOLDERS, readManifest, writeManifest } from './projectManifest';

/** Images whose label tiles (cache and summaries) stay loaded, most recent last. */
const LABEL_IMAGES_KEPT = 8;
/** Decoded pixels kept in memory, bytes (two 4096 x 4096 16-bit images and then some). */
const PIXEL_CACHE_BYTES = 256 * 1024 * 1024;

/** Temp files of writeFileAtomic (`.<name>.<12 hex>.tmp`) that a killed process left behind. */
const STALE_TEMP = /^\..+\.[0-9a-f]{12}\.tmp$/;
/** Staged label files of writeAnnotation (`<id>.classes.png.<12 hex>.pending`). */
const STAGED_LABEL = /^(.+)\.(classes|instances)\.png\.[0-9a-f]{12}\.pending$/;
const JOURNAL_SUFFIX = '.commit.json';

async function removeStaleTempFiles(root: string): Promise<void> {
  for (const folder of ['', 'annotations', 'images', 'images/cache']) {
    const names = await readdir(join(root, folder)).catch(() => [] as string[]);
    // A staged label file whose image has no journal belongs to a write killed before its
    // commit point: never read, so removed (a journaled one is rolled forward on read).
    const journals = new Set(
      names.filter((n) => n.endsWith(JOURNAL_SUFFIX)).map((n) => n.slice(0, -JOURNAL_SUFFIX.length)),
    );
    const stale = names.filter((n) => {
      const staged = STAGED_LABEL.exec(n);
      return STALE_TEMP.test(n) || (staged !== null && !journals.has(staged[1]));
    });
    await Promise.all(stale.map((n) => rm(join(root, folder, n), { force: true })));
  }
}

/** Completes label tile writes a crash interrupted (every image's tile folder). */
async function rollForwardAllLabelTiles(root: string): Promise<void> {
  const entries = await readdir(join(root, 'annotations'), { withFileTypes: true }).catch(() => []);
  for (const entry of entries) if (entry.isDirectory()) await rollForwardLabelTiles(root, entry.name);
}

/**
 * An open project folder (see README "Project folder"): the manifest in memory, the
 * one-instance lock held, every write atomic and serialised (one at a time, in call order).
 * Close it to release the lock.
 */
export class Project {
  private queue: Promise<unknown> = Promise.resolve();
  private readonly labels = new Map<string, ImageLabels>();
  private readonly pixels = new Map<string, ImagePixels>();
  private readonly pyramids: ImagePyramids;

  private constructor(
    readonly dir: string,
    private manifest: ProjectManifest,
    private readonly lock: ProjectLock,
  ) {
    this.pyramids = new ImagePyramids(
      dir,
      async (imageId) => new MemoryPyramid(await this.readPixels(imageId)),
    );
  }

  /** Creates a project in `dir` (missing or empty; else 'conflict') and opens it. */
  static async create(dir: string, name: string): Promise<Project> {
    const root = resolve(dir);
    const existing: string[] = await readdir(root).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw fsError(error, root);
    });
    if (existing.includes(MANIFEST_FILE)) {
      throw new AppError('conflict', `${root} already holds a project; open it instead.`);
    }
    if (existing.length > 0) {
      throw new AppError('conflict', `${root} is not empty; choose a new or empty folder for the project.`);
    }
    try {
      for (const folder of PROJECT_FOLDERS) await mkdir(join(root, folder), { recursive: true });
    } catch (error) {
      throw fsError(error, root);
    }
    const lock = await acquireProjectLock(root);
    const now = new Date().toISOString();
    const manifest: ProjectManifest = {
      schemaVersion: PROJECT_SCHEMA_VERSION,
      name: name.trim(),
      classes: DEFAULT_CLASSES.map((c) => ({ ...c })),
      images: [],
      createdAt: now,
      updatedAt: now,
    };
    try {
      await writeManifest(root, manifest);
    } catch (error) {
      await lock.release();
      throw error;
    }
    return new Project(root, manifest, lock);
  }

  /** Opens an existing project ('not_found' / 'schema' / 'locked' as the folder warrants). */
  static async open(dir: string): Promise<Project> {
    const root = resolve(dir);
    await readManifest(root);
    const lock = await acquireProjectLock(root);
    try {
      // Read again under the lock: the holder we replaced may have written in between.
      const manifest = await readManifest(root);
      for (const folder of PROJECT_FOLDERS) await mkdir(join(root, folder), { recursive: true });
      await removeStaleTempFiles(root);
      await rollForwardAllLabelTiles(root);
      return new Project(root, manifest, lock);
    } catch (error) {
      await lock.release();
      throw fsError(error, root);
    }
  }

  /** Waits for pending writes, then releases the lock. */
  async close(): Promise<void> {
    await this.exclusive(async () => {
      this.labels.clear();
      this.pixels.clear();
      await this.pyramids.forget();
      await this.lock.release();
    });
  }

  /** The manifest plus the folder (a copy: safe to hand out). */
  snapshot(): ProjectSnapshot {
    return structuredClone({ ...this.manifest, dir: this.dir });
  }

  /** The entry of an image; unknown id -> 'not_found'. */
  image(imageId: string): ImageEntry {
    const entry = this.manifest.images.find((image) => image.id === imageId);
    if (entry === undefined)
      throw new AppError('not_found', `No image ${imageId} in project ${this.manifest.name}.`);
    return entry;
  }

  async updateClasses(classes: ClassDef[]): Promise<void> {
    await this.exclusive(() => this.commit({ ...this.manifest, classes: classes.map((c) => ({ ...c })) }));
  }

  /** Saves how an image is shown (window, LUT, channel colours) in its manifest entry. */
  async updateDisplay(imageId: string, display: ImageDisplay): Promise<void> {
    await this.exclusive(async () => {
      const entry = this.image(imageId);
      if (display.channels.length > 0 && display.channels.length !== entry.channels) {
        throw new AppError(
          'invalid_argument',
          `${entry.name} has ${entry.channels} channels; display settings for ${display.channels.length} given.`,
        );
      }
      const images = this.manifest.images.map((image) =>
        image.id === imageId ? { ...image, display } : image,
      );
      await this.commit({ ...this.manifest, images });
    });
  }

  /**
   * Imports image files by path (copied byte for byte); one entry per page. A TIFF too large
   * to decode whole is copied without reading it into memory and gets a multiscale cache
   * when it has no pyramid (`options`: progress and cancel of that build).
   */
  async importFiles(paths: string[], options: PyramidCacheOptions = {}): Promise<ImageEntry[]> {
    const added: ImageEntry[] = [];
    for (const path of paths) {
      if (await importsAsLargeTiff(path)) {
        added.push(await this.importLarge(path, basename(path), { ...options, move: false }));
        continue;
      }
      let bytes: Uint8Array;
      try {
        bytes = await readFile(path);
      } catch (error) {
        throw fsError(error, path);
      }
      added.push(...(await this.importBytes(basename(path), bytes)));
    }
    return added;
  }

  /** Imports one image given as bytes (`name`: its file name). */
  async importBytes(
    name: string,
    bytes: Uint8Array,
    options: PyramidCacheOptions = {},
  ): Promise<ImageEntry[]> {
    if (await importsAsLargeTiff(bytes)) {
      // Staged as a file first, so the large-image import reads it lazily like any other.
      const staged = join(this.dir, 'images', 'cache', `.upload-${newImageId()}.tmp`);
      try {
        await writeFile(staged, bytes);
      } catch (error) {
        await rm(staged, { force: true });
        throw fsError(error, staged);
      }
      try {
        return [await this.importLarge(staged, name, { ...options, move: true })];
      } finally {
        await rm(staged, { force: true });
      }
    }
    return this.exclusive(async () => {
      // The image just imported is usually opened next: keep its decoded pixels.
      const entries = await importImage(this.dir, bytes, name, (imageId, image, stats) => {
        const { width, height, channels, bitDepth, data } = image;
        this.cachePixels({ imageId, width, height, channels, bitDepth, data, stats });
      });
      await this.commit({ ...this.manifest, images: [...this.manifest.images, ...entries] });
      return entries;
    });
  }

  /** Renames an image (its display and export name; the copied original keeps its file). */
  async renameImage(imageId: string, name: string): Promise<void> {
    const trimmed = name.trim();
    if (trimmed === '' || /[\\/]/.test(trimmed))
      throw new AppError('invalid_argument', `"${name}" is not an image name (no slashes, not empty).`);
    await this.exclusive(async () => {
      this.image(imageId);
      const images = this.manifest.images.map((image) =>
        image.id === imageId ? { ...image, name: trimmed } : image,
      );
      await this.commit({ ...this.manifest, images });
    });
  }

  private async importLarge(
    path: string,
    name: string,
    options: PyramidCacheOptions & { move: boolean },
  ): Promise<ImageEntry> {
    return this.exclusive(async () => {
      const entry = await importLargeTiff(this.dir, path, name, options);
      await this.commit({ ...this.manifest, images: [...this.manifest.images, entry] });
      return entry;
    });
  }

  /** Pyramid levels, size and sample type of an image (every image is served as tiles). */
  async imageTileInfo(imageId: string): Promise<ImageTileInfo> {
    return this.pyramids.info(this.image(imageId));
  }

  /** Raw samples of one tile of one pyramid level of an image. */
  async readImageTile(imageId: string, level: number, tx: number, ty: number): Promise<ImageTile> {
    return this.pyramids.tile(this.image(imageId), level, tx, ty);
  }

  /** Removes an image: manifest first (a crash leaves orphan files, never dangling entries). */
  async removeImage(imageId: string): Promise<void> {
    await this.exclusive(async () => {
      const entry = this.image(imageId);
      const images = this.manifest.images.filter((image) => image.id !== imageId);
      await this.commit({ ...this.manifest, images });
      this.labels.delete(imageId);
      this.pixels.delete(imageId);
      await this.pyramids.forget(imageId);
      const paths = annotationPaths(this.dir, imageId);
      const stale = [paths.classes, paths.instances, thumbnailPath(this.dir, imageId)];
      stale.push(labelTileFolder(this.dir, imageId), pyramidCachePath(this.dir, imageId));
      if (!images.some((image) => image.file === entry.file))
        stale.push(join(this.dir, 'images', entry.file));
      await Promise.all(stale.map((file) => rm(file, { force: true, recursive: true })));
    });
  }

  /**
   * The pixels of an image, decoded from its copied original. The last few decoded images
   * stay in memory (switching back is instant): the arrays are shared, do not modify them.
   */
  async readPixels(imageId: string): Promise<ImagePixels> {
    const entry = this.image(imageId);
    if (isLargeImage(entry)) {
      throw new AppError(
        'too_large',
        `${entry.name} (${entry.width}x${entry.height}) is read tile by tile; it is never decoded whole.`,
      );
    }
    const cached = this.pixels.get(imageId);
    if (cached !== undefined) {
      this.pixels.delete(imageId);
      this.pixels.set(imageId, cached);
      return cached;
    }
    const path = join(this.dir, 'images', entry.file);
    // A hyperstack plane holds every channel of its (z, t); anything else is one stored page.
    const image =
      entry.plane === undefined
        ? await readImage(path, { page: entry.page })
        : (await readMicroscopyImage(path, entry.plane)).image;
    const { width, height, channels, bitDepth, data } = image;
    const pixels: ImagePixels = { imageId, width, height, channels, bitDepth, data, stats: entry.stats };
    this.cachePixels(pixels);
    return pixels;
  }

  async readThumbnail(imageId: string): Promise<Uint8Array> {
    this.image(imageId);
    const file = thumbnailPath(this.dir, imageId);
    try {
      return new Uint8Array(await readFile(file));
    } catch (error) {
      throw fsError(error, file);
    }
  }

  /** The saved label images whole (zeros when never annotated); over 2^28 pixels 'too_large'. */
  async readAnnotation(imageId: string): Promise<Annotation> {
    return this.exclusive(async () => (await this.imageLabels(imageId)).whole());
  }

  /** Which label tiles of an image are stored, and its next free object id. */
  async labelTileIndex(imageId: string): Promise<LabelTileIndex> {
    return this.exclusive(async () => (await this.imageLabels(imageId)).index());
  }

  /** Label tile (tx, ty) of an image (zeros when never annotated; a copy). */
  async readLabelTile(imageId: string, tx: number, ty: number): Promise<LabelTile> {
    return this.exclusive(async () => {
      const tile = await (await this.imageLabels(imageId)).tile(tx, ty);
      return { imageId, tx, ty, classes: tile.classes.slice(), instances: tile.instances.slice() };
    });
  }

  /**
   * Writes a rectangle of both label images: the tiles it touches, atomically, then the
   * manifest's status. Out of bounds or an unknown class value -> 'invalid_argument'. When a
   * write fails the saved tiles are unchanged.
   */
  async saveAnnotationPatch(imageId: string, patch: AnnotationPatch): Promise<AnnotationStatus> {
    return this.exclusive(async () => {
      const entry = this.image(imageId);
      if (patch.x + patch.w > entry.width || patch.y + patch.h > entry.height) {
        throw new AppError(
          'invalid_argument',
          `Annotation patch ${patch.w}x${patch.h} at (${patch.x}, ${patch.y}) lies outside ${entry.name} ` +
            `(${entry.width}x${entry.height}).`,
        );
      }
      const known = new Set(this.manifest.classes.map((c) => c.id));
      for (let i = 0; i < patch.classes.length; i++) {
        const value = patch.classes[i];
        if (value !== 0 && !known.has(value)) {
          throw new AppError(
            'invalid_argument',
            `Annotation patch uses class ${value}, which the project does not define.`,
          );
        }
      }
      const labels = await this.imageLabels(imageId);
      await labels.applyPatch(patch);
      const status = labels.status();
      const images = this.manifest.images.map((image) =>
        image.id === imageId ? { ...image, annotation: status } : image,
      );
      await this.commit({ ...this.manifest, images });
      return this.image(imageId).annotation;
    });
  }

  /** Keeps decoded pixels, dropping the least recently used beyond PIXEL_CACHE_BYTES. */
  private cachePixels(pixels: ImagePixels): void {
    this.pixels.delete(pixels.imageId);
    this.pixels.set(pixels.imageId, pixels);
    let bytes = 0;
    for (const [id, held] of [...this.pixels].reverse()) {
      bytes += held.data.byteLength;
      if (bytes > PIXEL_CACHE_BYTES && id !== pixels.imageId) this.pixels.delete(id);
    }
  }

  /** The label tiles of an image, loaded (and migrated) on first use; call inside `exclusive`. */
  private async imageLabels(imageId: string): Promise<ImageLabels> {
    let labels = this.labels.get(imageId);
    if (labels === undefined) {
      const entry = this.image(imageId);
      labels = await ImageLabels.load(this.dir, imageId, entry.width, entry.height);
    }
    this.labels.delete(imageId);
    this.labels.set(imageId, labels);
    for (const id of this.labels.keys()) {
      if (this.labels.size <= LABEL_IMAGES_KEPT) break;
      this.labels.delete(id);
    }
    return labels;
  }

  /** Writes the manifest, then adopts it (memory follows disk only after a good write). */
  private async commit(next: ProjectManifest): Promise<void> {
    const manifest = { ...next, updatedAt: new Date().toISOString() };
    await writeManifest(this.dir, manifest);
    this.manifest = manifest;
  }

  /** Runs `task` after every earlier write finished (one writer at a time). */
  private exclusive<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }
}
