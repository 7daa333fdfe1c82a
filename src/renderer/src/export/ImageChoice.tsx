import type { TrainableImage } from '../../../shared/apiModels';

/**
 * Which images to export: a checkbox per image, with "all" and "annotated" shortcuts. `chosen`
 * is the list of image ids; `onChange(null)` goes back to every image.
 */
export function ImageChoice({
  images,
  chosen,
  onChange,
}: {
  images: TrainableImage[];
  chosen: string[];
  onChange: (ids: string[] | null) => void;
}) {
  const set = new Set(chosen);
  const toggle = (id: string, on: boolean) =>
    onChange(images.map((i) => i.imageId).filter((x) => (x === id ? on : set.has(x))));
  return (
    <details className="image-choice" data-testid="export-images">
      <summary>
        Images: {chosen.length} of {images.length}
      </summary>
      <div className="row">
        <button type="button" className="link" onClick={() => onChange(null)}>
          all
        </button>
        <button
          type="button"
          className="link"
          onClick={() => onChange(images.filter((i) => i.annotated).map((i) => i.imageId))}
        >
          annotated only
        </button>
        <button type="button" className="link" onClick={() => onChange([])}>
          none
        </button>
      </div>
      <ul className="image-choice-list">
        {images.map((im) => (
          <li key={im.imageId}>
            <label className="check">
              <input
                type="checkbox"
                checked={set.has(im.imageId)}
                data-testid="export-image"
                data-image-id={im.imageId}
                onChange={(e) => toggle(im.imageId, e.target.checked)}
              />
              {im.name}
            </label>
          </li>
        ))}
      </ul>
    </details>
  );
}
