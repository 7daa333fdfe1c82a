import { useState } from 'react';
import type { ClassDef } from '../../../shared/schemas';
import type { FillPreviewInfo } from '../annotation/tools/fillPreview';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { TextDialog } from './Dialog';

const PALETTE = ['#10b981', '#ef4444', '#a855f7', '#ec4899', '#84cc16', '#06b6d4', '#eab308'];

/** Classes (select, rename, recolour, add), instance mode, continue-object, label opacity, fill mode. */
export function ClassPanel({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const classes = useStore(store, (s) => s.project?.classes ?? []);
  const classId = useStore(store, (s) => s.classId);
  const instanceMode = useStore(store, (s) => s.instanceMode);
  const continueObject = useStore(store, (s) => s.continueObject);
  const opacity = useStore(store, (s) => s.opacity);
  const fillMode = useStore(store, (s) => s.fillMode);
  const fillTolerance = useStore(store, (s) => s.fillTolerance);
  const noise = useStore(store, (s) => s.imageNoise);
  const preview = useStore(store, (s) => s.fillPreview);
  useStore(store, (s) => s.sessionVersion);
  const units = valueUnits(controller.current()?.info.bitDepth);
  const [renaming, setRenaming] = useState<ClassDef | null>(null);

  const save = async (next: ClassDef[]) => {
    const r = await controller.api.updateClasses(next);
    if (r.ok) store.set({ project: r.value });
    else controller.reportError('Classes', r.error);
  };
  const edit = (id: number, patch: Partial<ClassDef>) =>
    void save(classes.map((c) => (c.id === id ? { ...c, ...patch } : c)));
  const add = () => {
    const id = Math.max(0, ...classes.map((c) => c.id)) + 1;
    void save([...classes, { id, name: `class ${id}`, color: PALETTE[id % PALETTE.length] }]);
  };

  return (
    <section className="panel">
      <h3>Classes</h3>
      <ul className="class-list">
        {classes.map((c, i) => (
          <li key={c.id} className={c.id === classId ? 'selected' : ''}>
            <input
              type="color"
              value={c.color}
              title="Colour"
              onChange={(e) => edit(c.id, { color: e.target.value })}
            />
            <button
              type="button"
              className="class-name"
              data-testid={`class-${c.name}`}
              onClick={() => store.set({ classId: c.id })}
              onDoubleClick={() => setRenaming(c)}
              title={`Select (Shift+${i + 1}); double-click to rename`}
            >
              {c.name}
            </button>
            <span className="muted small">{c.id}</span>
          </li>
        ))}
      </ul>
      <button type="button" className="link" onClick={add}>
        + Add class
      </button>
      <label className="check">
        <input
          type="checkbox"
          checked={instanceMode}
          data-testid="instance-mode"
          onChange={(e) => store.set({ instanceMode: e.target.checked })}
        />
        Instance mode (each stroke in an object class is a new object)
      </label>
      <label className="check">
        <input
          type="checkbox"
          checked={continueObject}
          data-testid="continue-object"
          onChange={(e) => store.set({ continueObject: e.target.checked })}
        />
        Continue current object (N, or hold Alt)
      </label>
      <label className="field">
        <span>Label opacity {Math.round(opacity * 100)}%</span>
        <input
          type="range"
          min={0}
          max={1}
          step={0.05}
          value={opacity}
          data-testid="opacity"
          onChange={(e) => store.set({ opacity: Number(e.target.value) })}
        />
      </label>
      <label className="field">
        <span>Fill</span>
        <select
          value={fillMode}
          onChange={(e) => store.set({ fillMode: e.target.value === 'intensity' ? 'intensity' : 'label' })}
        >
          <option value="label">label region (same class, object)</option>
          <option value="intensity">intensity within tolerance</option>
        </select>
      </label>
      {fillMode === 'intensity' && (
        <label
          className="field"
          title="Fill takes the connected pixels whose value differs from the clicked one by at most this much. Start: 3x the image's noise or 15% of its range, whichever is larger."
        >
          <span>Tolerance (± around the clicked pixel, in {units})</span>
          <input
            type="number"
            min={0}
            value={fillTolerance}
            data-testid="fill-tolerance"
            onChange={(e) => store.set({ fillTolerance: Math.max(0, Number(e.target.value)) })}
          />
        </label>
      )}
      <p className="muted small" data-testid="fill-hint">
        Fill: click inside a cell.{' '}
        {fillMode === 'intensity' &&
          noise !== null &&
          `Noise here ≈ ${formatValue(noise)}; raise the tolerance if a fill stops short. `}
        More than a quarter of the image needs Shift-click.
      </p>
      {preview && (
        <FillPreviewLine
          preview={preview}
          tolerance={fillMode === 'intensity' ? `±${formatValue(fillTolerance)} ${units}` : null}
          className={classes.find((c) => c.id === classId)?.name ?? `class ${classId}`}
        />
      )}
      {renaming && (
        <TextDialog
          title="Rename class"
          label="Class name"
          initial={renaming.name}
          onCancel={() => setRenaming(null)}
          onSubmit={(name) => {
            setRenaming(null);
            edit(renaming.id, { name });
          }}
        />
      )}
    </section>
  );
}

/** How the image's own values are named (float images are shown in quantised 16-bit units). */
function valueUnits(bitDepth: number | undefined): string {
  if (bitDepth === 8) return 'raw 8-bit values';
  if (bitDepth === 16) return 'raw 16-bit values';
  if (bitDepth === 32) return 'display units (the float range as 0-65535)';
  return 'image values';
}

/** What a Fill click under the pointer would cover, and whether it needs Shift. */
function FillPreviewLine({
  preview,
  tolerance,
  className,
}: {
  preview: FillPreviewInfo;
  tolerance: string | null;
  className: string;
}) {
  const share = preview.fraction * 100;
  const pct = share < 1 ? share.toFixed(2) : share.toFixed(share < 10 ? 1 : 0);
  const attrs = { 'data-testid': 'fill-preview', 'data-area': preview.area };
  if (preview.unchanged)
    return (
      <p className="small fill-preview" {...attrs} data-needs-shift="no" data-unchanged="yes">
        Already {className} here ({preview.area.toLocaleString('en-US')} px): a click changes nothing.
      </p>
    );
  return (
    <p
      className={`small fill-preview ${preview.needsShift ? 'warn' : ''}`}
      {...attrs}
      data-needs-shift={preview.needsShift ? 'yes' : 'no'}
    >
      Click fills {preview.truncated ? 'more than ' : ''}
      {preview.area.toLocaleString('en-US')} px ({preview.truncated ? 'over ' : ''}
      {pct}% of the {preview.windowed ? 'fill window' : 'image'}){tolerance && `, tolerance ${tolerance}`}.
      {preview.needsShift && ' Too large for a plain click: Shift-click to fill it anyway.'}
    </p>
  );
}

/** A value in the image's units with 3 significant digits (no exponent for everyday values). */
function formatValue(v: number): string {
  return v >= 100 ? String(Math.round(v)) : String(Number(v.toPrecision(3)));
}
