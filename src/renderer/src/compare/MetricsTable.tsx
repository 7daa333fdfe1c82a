import { useState } from 'react';
import type { CompareResult, ImageScores } from '../../../shared/apiModels';

type Key = 'iou' | 'dice' | 'pixelError' | 'randError' | 'objectF1';

/** Columns: name, and whether a higher value is better (for "worst first"). */
const COLUMNS: { key: Key; label: string; higherIsBetter: boolean }[] = [
  { key: 'iou', label: 'IoU', higherIsBetter: true },
  { key: 'dice', label: 'Dice', higherIsBetter: true },
  { key: 'pixelError', label: 'Pixel err', higherIsBetter: false },
  { key: 'randError', label: 'Rand err', higherIsBetter: false },
  { key: 'objectF1', label: 'Obj F1', higherIsBetter: true },
];

/** Worst-first order of a column (unscored rows last); `flip` reverses it. */
export function sortRows(
  rows: CompareResult['rows'],
  key: Key,
  model: number,
  flip: boolean,
): CompareResult['rows'] {
  const column = COLUMNS.find((c) => c.key === key)!;
  const value = (s: ImageScores | null) => (s === null ? null : column.higherIsBetter ? s[key] : -s[key]);
  return [...rows].sort((a, b) => {
    const va = value(a.scores[model]);
    const vb = value(b.scores[model]);
    if (va === null || vb === null) return va === null ? (vb === null ? 0 : 1) : -1;
    return flip ? vb - va : va - vb;
  });
}

const fmt = (v: number | undefined) => (v === undefined ? '–' : v.toFixed(3));

/**
 * Scores per image and for the set, one column group per model. Click a header to sort by it
 * (worst first; click again to flip); click a row to show that image.
 */
export function MetricsTable({
  result,
  labels,
  selected,
  onSelect,
  roleOf = () => null,
}: {
  result: CompareResult;
  labels: string[];
  selected: string | null;
  onSelect: (imageId: string) => void;
  /** What model A's run did with an image (by name): 'trained' | 'held out' | null (not used). */
  roleOf?: (name: string) => 'trained' | 'held out' | null;
}) {
  const [sort, setSort] = useState<{ key: Key; model: number; flip: boolean }>({
    key: 'iou',
    model: 0,
    flip: false,
  });
  const rows = sortRows(result.rows, sort.key, sort.model, sort.flip);
  const header = (key: Key, model: number, label: string) => {
    const active = sort.key === key && sort.model === model;
    return (
      <th key={`${key}-${model}`}>
        <button
          type="button"
          className={`link sort ${active ? 'active' : ''}`}
          data-testid={`sort-${key}-${model}`}
          onClick={() => setSort({ key, model, flip: active ? !sort.flip : false })}
        >
          {label}
          {active ? (sort.flip ? ' ▲' : ' ▼') : ''}
        </button>
      </th>
    );
  };
  return (
    <table className="metrics-table" data-testid="metrics-table">
      <thead>
        {result.modelIds.length > 1 && (
          <tr>
            <th />
            {labels.map((l) => (
              <th key={l} colSpan={COLUMNS.length} className="model-head">
                {l}
              </th>
            ))}
          </tr>
        )}
        <tr>
          <th>Image</th>
          {result.modelIds.flatMap((_, m) => COLUMNS.map((c) => header(c.key, m, c.label)))}
        </tr>
      </thead>
      <tbody>
        <tr className="set-row" data-testid="metrics-set">
          <td>All ({result.rows.length})</td>
          {result.set.flatMap((s, m) =>
            COLUMNS.map((c) => (
              <td key={`set-${result.modelIds[m]}-${c.key}`} className="numeric">
                {fmt(s?.[c.key])}
              </td>
            )),
          )}
        </tr>
        {rows.map((row) => (
          <tr
            key={row.imageId}
            className={row.imageId === selected ? 'selected' : ''}
            data-testid="metrics-row"
            data-image-id={row.imageId}
            onClick={() => onSelect(row.imageId)}
          >
            <td className="image-name">
              {row.name}
              {roleOf(row.name) && (
                <span
                  className={`muted small role role-${roleOf(row.name) === 'held out' ? 'val' : 'train'}`}
                  data-testid="metrics-role"
                  title="What model A's training run did with this image: scores on held-out images tell how the model does on images it has not seen"
                >
                  {' '}
                  · {roleOf(row.name)}
                </span>
              )}
            </td>
            {row.scores.flatMap((s, m) =>
              COLUMNS.map((c) => (
                <td key={`${result.modelIds[m]}-${c.key}`} className="numeric">
                  {s === null ? '—' : fmt(s[c.key])}
                </td>
              )),
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
