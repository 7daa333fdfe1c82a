import type { AnnotationDoc, LabelValue } from '../AnnotationDoc';
import type { Point } from '../raster';

/** The tools of the workstation (keyboard: B, E, P, F, I). */
export type ToolName = 'brush' | 'eraser' | 'polygon' | 'fill' | 'pick';

/** What a flood fill compares: the label region under the seed, or the image intensity. */
export type FillMode = 'label' | 'intensity';

/** Image intensities for intensity fills: the first channel's raw value at (x, y), NaN when not loaded. */
export interface IntensitySource {
  valueAt(x: number, y: number): number;
}

/**
 * What the tools read and write, owned by the app (the settings panel edits it). Tools never see
 * Konva or DOM events: the canvas maps pointer positions to image coordinates first.
 */
export interface ToolContext {
  doc: AnnotationDoc;
  /** Active class id (1 = background, 2 = cell, ...). */
  classId: number;
  /** Classes whose strokes create objects with their own instance id when instance mode is on. */
  isObjectClass: (classId: number) => boolean;
  instanceMode: boolean;
  /** Continue the current object instead of starting a new one (toggle; Alt does it per gesture). */
  continueObject: boolean;
  /** The object the last gesture drew (or the pick tool picked); 0 = none. Tools update it. */
  currentObjectId: number;
  /** Brush and eraser diameter in image pixels. */
  brushSize: number;
  fillMode: FillMode;
  /** Intensity fill tolerance, in raw image units (|value - seed value| <= tolerance). */
  fillTolerance: number;
  intensity: IntensitySource | null;
  /** Called by the pick tool with the label under the cursor. */
  onPick: (value: LabelValue) => void;
  /** Called when a fill was refused for covering more than MAX_FILL_FRACTION of the image. */
  onFillRefused?: (fraction: number) => void;
}

/** Modifier keys held when a gesture starts. */
export interface Modifiers {
  alt?: boolean;
  /** Fill: fill even a region larger than MAX_FILL_FRACTION of the image. */
  shift?: boolean;
}

/** Overlay a tool wants drawn while it works (polygon vertices in progress). */
export interface ToolPreview {
  polyline: Point[] | null;
}

/** A tool: a tiny state machine fed image coordinates. */
export interface Tool {
  readonly name: ToolName;
  down(p: Point, mods?: Modifiers): void;
  move(p: Point): void;
  up(p: Point): void;
  /** Escape: rolls back the gesture in progress (no redo entry). */
  cancel(): void;
  /** Enter / double-click: finishes a multi-click gesture (polygon). */
  finish(): void;
  preview(): ToolPreview;
}

/**
 * The label a new gesture paints with the active class. In instance mode an object class gets a
 * fresh instance id per gesture, or the current object's id when continuing (Alt or the toggle).
 * Must be called inside doc.beginStroke() so an aborted or undone gesture gives the id back.
 */
export function labelForGesture(ctx: ToolContext, mods?: Modifiers): LabelValue {
  if (!ctx.instanceMode || !ctx.isObjectClass(ctx.classId)) return { classId: ctx.classId, instanceId: 0 };
  const carryOn = (ctx.continueObject || mods?.alt === true) && ctx.currentObjectId > 0;
  const instanceId = carryOn ? ctx.currentObjectId : ctx.doc.allocateInstanceId();
  ctx.currentObjectId = instanceId;
  return { classId: ctx.classId, instanceId };
}
