import type { ToolName } from '../annotation/tools/Tool';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';

const TOOLS: { name: ToolName; label: string; key: string }[] = [
  { name: 'brush', label: 'Brush', key: 'B' },
  { name: 'eraser', label: 'Eraser', key: 'E' },
  { name: 'polygon', label: 'Polygon', key: 'P' },
  { name: 'fill', label: 'Fill', key: 'F' },
  { name: 'pick', label: 'Pick', key: 'I' },
];

/**
 * Tools, brush size, undo/redo, view buttons (only while annotating: elsewhere they would do
 * nothing), help, close project.
 */
export function Toolbar({ controller, annotating }: { controller: StudioController; annotating: boolean }) {
  const { store } = controller;
  const tool = useStore(store, (s) => s.tool);
  const brushSize = useStore(store, (s) => s.brushSize);
  const projectName = useStore(store, (s) => s.project?.name ?? '');
  useStore(store, (s) => s.historyVersion);
  useStore(store, (s) => s.sessionVersion);
  const doc = controller.current()?.doc;
  return (
    <header className="toolbar">
      <span className="brand">U-Net Studio</span>
      <span className="muted project-name" data-testid="project-title">
        {projectName}
      </span>
      {annotating && (
        <>
          <div className="tool-group">
            {TOOLS.map((t) => (
              <button
                type="button"
                key={t.name}
                className={t.name === tool ? 'active' : ''}
                data-testid={`tool-${t.name}`}
                title={`${t.label} (${t.key})`}
                onClick={() => controller.setTool(t.name)}
              >
                {t.label} <kbd>{t.key}</kbd>
              </button>
            ))}
          </div>
          <label className="inline" title="Brush size in image pixels ([ and ])">
            Size
            <input
              type="range"
              min={1}
              max={200}
              value={brushSize}
              data-testid="brush-size"
              onChange={(e) => store.set({ brushSize: Number(e.target.value) })}
            />
            <span className="num">{brushSize}px</span>
          </label>
          <div className="tool-group">
            <button
              type="button"
              data-testid="undo"
              disabled={!doc?.canUndo}
              onClick={() => controller.undo()}
            >
              Undo
            </button>
            <button
              type="button"
              data-testid="redo"
              disabled={!doc?.canRedo}
              onClick={() => controller.redo()}
            >
              Redo
            </button>
          </div>
          <div className="tool-group">
            <button type="button" data-testid="view-fit" onClick={() => controller.requestView('fit')}>
              Fit
            </button>
            <button type="button" data-testid="view-100" onClick={() => controller.requestView('actual')}>
              100%
            </button>
          </div>
        </>
      )}
      <span className="spacer" />
      <button type="button" data-testid="help-button" onClick={() => store.set({ helpOpen: true })}>
        ?
      </button>
      <button type="button" onClick={() => void controller.closeProject()}>
        Close project
      </button>
    </header>
  );
}
