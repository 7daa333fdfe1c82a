import type { AppInfo } from '../../../shared/api';
import type { ErrorInfo } from '../../../shared/errors';
import type { ImageDisplay, ProjectSnapshot, RecentProject } from '../../../shared/schemas';
import type { SaveState } from '../annotation/Autosaver';
import type { FillPreviewInfo } from '../annotation/tools/fillPreview';
import type { FillMode, ToolName } from '../annotation/tools/Tool';

/**
 * How the shown image is drawn (display units: raw, or quantised for float): one channel
 * through a window and a LUT, or 2+ channels (RGB too) as a composite with a window, colour
 * and visibility each. Saved per image with the project.
 */
export type DisplaySettings = ImageDisplay;

/** What the status bar shows under the cursor. */
export interface CursorInfo {
  x: number;
  y: number;
  value: string;
  label: string;
}

/** Everything the UI renders from (label images and pixels live in ImageSession, not here). */
export interface StudioState {
  appInfo: AppInfo | null;
  recent: RecentProject[];
  project: ProjectSnapshot | null;
  selectedImageId: string | null;
  /** Bumped when the shown image session changes (a new one loaded). */
  sessionVersion: number;
  loadingImage: boolean;
  /** The shown image's saved labels are still on their way (tools wait). */
  labelsLoading: boolean;
  tool: ToolName;
  brushSize: number;
  classId: number;
  instanceMode: boolean;
  continueObject: boolean;
  opacity: number;
  fillMode: FillMode;
  fillTolerance: number;
  /** The region a Fill click under the pointer would cover (null: Fill not hovering the image). */
  fillPreview: FillPreviewInfo | null;
  /** Pixel noise of the shown image (standard deviation, its own units), for the Fill hint. */
  imageNoise: number | null;
  display: DisplaySettings;
  saveState: SaveState;
  /** Bumped when undo/redo availability may have changed. */
  historyVersion: number;
  cursor: CursorInfo | null;
  error: { context: string; info: ErrorInfo } | null;
  /** A warning that is not an error (e.g. a file imported twice), shown until dismissed. */
  notice: string | null;
  helpOpen: boolean;
  busy: string | null;
  /** A large image's multiscale cache being built on import: file name and fraction done. */
  importProgress: { name: string; fraction: number } | null;
  /** A request to the canvas to fit the image or show it at 100% (seq makes repeats distinct). */
  viewRequest: { kind: 'fit' | 'actual'; seq: number } | null;
  /** Changes when thumbnails must be refetched (imageId -> counter). */
  thumbVersion: Record<string, number>;
}

export const initialState: StudioState = {
  appInfo: null,
  recent: [],
  project: null,
  selectedImageId: null,
  sessionVersion: 0,
  loadingImage: false,
  labelsLoading: false,
  tool: 'brush',
  brushSize: 12,
  classId: 2,
  instanceMode: true,
  continueObject: false,
  opacity: 0.55,
  fillMode: 'intensity',
  fillTolerance: 10,
  fillPreview: null,
  imageNoise: null,
  display: { min: 0, max: 255, lut: 'gray', channels: [] },
  saveState: 'saved',
  historyVersion: 0,
  cursor: null,
  error: null,
  notice: null,
  helpOpen: false,
  busy: null,
  importProgress: null,
  viewRequest: null,
  thumbVersion: {},
};
