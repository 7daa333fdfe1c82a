import { useRef, useState } from 'react';
import type { LabelImportReport, MaskReading } from '../../../shared/dataImport';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

const MASK_TYPES = '.png,.tif,.tiff,image/png,image/tiff';

/** One line per import: what came in, what was left out. */
function summary(report: LabelImportReport): string {
  const objects = report.imported.reduce((sum, m) => sum + m.objects, 0);
  const replaced = report.imported.filter((m) => m.replaced).length;
  const parts = [
    `${report.imported.length} mask(s) imported, ${objects} objects`,
    replaced > 0 ? `${replaced} replaced earlier labels (Ctrl+Z on the shown image undoes it)` : '',
    report.unmatched.length > 0 ? `no image for ${report.unmatched.join(', ')}` : '',
  ];
  return parts.filter((p) => p !== '').join('; ');
}

/**
 * "Import masks…": masks made elsewhere (Fiji, Cellpose, ilastik) become annotations. A folder
 * or several files are matched to images by base name (`a.tif` <- `a.png`, `a_masks.png`); one
 * file can also go to the shown image. Binary (0/255, 0/1), class-index or instance-id images,
 * PNG or TIFF; a bad file stops the whole batch, naming the files.
 */
export function MaskImportPanel({ controller }: { controller: StudioController }) {
  const { store } = controller;
  const selected = useStore(store, (s) => s.selectedImageId);
  const hasImages = useStore(store, (s) => (s.project?.images.length ?? 0) > 0);
  const [reading, setReading] = useState<MaskReading>('auto');
  const [report, setReport] = useState<{ ok: boolean; text: string } | null>(null);
  const files = useRef<HTMLInputElement>(null);
  const folder = useRef<HTMLInputElement>(null);
  const single = useRef<HTMLInputElement>(null);
  if (!hasImages) return null;

  const run = async (list: FileList | null, imageId?: string) => {
    const chosen = [...(list ?? [])].filter((f) => /\.(png|tiff?)$/i.test(f.name));
    if (chosen.length === 0) return;
    setReport(null);
    const r = await controller.importMasks(
      chosen,
      imageId === undefined ? { reading } : { reading, imageId },
    );
    setReport(
      'imported' in r
        ? { ok: true, text: summary(r) }
        : { ok: false, text: `Nothing imported: ${r.message}` },
    );
  };
  const input = (
    ref: React.RefObject<HTMLInputElement | null>,
    testId: string,
    imageId?: string,
    dir = false,
  ) => (
    <input
      ref={ref}
      data-testid={testId}
      type="file"
      multiple={imageId === undefined}
      accept={MASK_TYPES}
      hidden
      {...(dir ? { webkitdirectory: '' } : {})}
      onChange={(e) => {
        const list = e.target.files;
        void run(list, imageId).finally(() => {
          e.target.value = '';
        });
      }}
    />
  );

  return (
    <section className="panel" data-testid="mask-import">
      <h3>Import masks</h3>
      <div className="row">
        <button type="button" data-testid="mask-import-folder" onClick={() => folder.current?.click()}>
          Folder…
        </button>
        <button type="button" data-testid="mask-import-files" onClick={() => files.current?.click()}>
          Files…
        </button>
        <button
          type="button"
          data-testid="mask-import-one"
          disabled={selected === null}
          title="A mask for the shown image, whatever its name"
          onClick={() => single.current?.click()}
        >
          For this image…
        </button>
      </div>
      <label className="field">
        <span title="How masks with more than two values are read">Values are</span>
        <select
          value={reading}
          data-testid="mask-reading"
          onChange={(e) =>
            setReading(
              e.target.value === 'classes' || e.target.value === 'instances' ? e.target.value : 'auto',
            )
          }
        >
          <option value="auto">auto (classes if the project has them, else objects)</option>
          <option value="classes">class indices (0 = background, 1 = class 2, …)</option>
          <option value="instances">object ids (instance labels)</option>
        </select>
      </label>
      <p className="muted small">
        Matched by file name without extension. Each mask replaces its image's labels: 0 becomes background,
        the rest objects.
      </p>
      {report && (
        <p
          className={`small ${report.ok ? 'ok' : 'error-text'}`}
          data-testid={report.ok ? 'mask-import-report' : 'mask-import-error'}
        >
          {report.text}
        </p>
      )}
      {input(files, 'mask-import-input')}
      {input(folder, 'mask-import-folder-input', undefined, true)}
      {selected !== null && input(single, 'mask-import-one-input', selected)}
    </section>
  );
}
