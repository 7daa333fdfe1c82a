import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

/**
 * For an image that is one page of a multi-page TIFF (the store keeps one image entry per page,
 * sharing `file`), a slider over the pages of that file. Each page has its own annotation.
 */
export function PageSlider({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const images = useStore(store, (s) => s.project?.images);
  const selected = useStore(store, (s) => s.selectedImageId);
  const current = images?.find((im) => im.id === selected);
  if (!images || !current || current.pages < 2) return null;
  const pages = images.filter((im) => im.file === current.file).sort((a, b) => a.page - b.page);
  return (
    <label className="field">
      <span>
        Page {current.page + 1} of {current.pages}
      </span>
      <input
        type="range"
        min={0}
        max={pages.length - 1}
        value={pages.indexOf(current)}
        data-testid="page-slider"
        onChange={(e) => {
          const target = pages[Number(e.target.value)];
          if (target) void controller.selectImage(target.id);
        }}
      />
    </label>
  );
}
