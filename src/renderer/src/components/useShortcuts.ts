import { useEffect } from 'react';
import type { ToolName } from '../annotation/tools/Tool';
import type { StudioController } from '../store/StudioController';

const TOOL_KEYS: Record<string, ToolName> = { b: 'brush', e: 'eraser', p: 'polygon', f: 'fill', i: 'pick' };

/**
 * Workspace keyboard shortcuts (listed in HelpPanel.SHORTCUTS), active only while `enabled` (the
 * Annotate tab: Ctrl+Z on the Train or Compare tab must not undo strokes out of sight). Typing in
 * a field is left alone.
 */
export function useShortcuts(controller: StudioController, enabled = true): void {
  useEffect(() => {
    if (!enabled) return;
    const { store } = controller;
    const onKey = (e: KeyboardEvent) => {
      const t = e.target;
      if (t instanceof HTMLInputElement || t instanceof HTMLTextAreaElement || t instanceof HTMLSelectElement)
        return;
      const key = e.key.toLowerCase();
      const mod = e.ctrlKey || e.metaKey;
      if (mod && key === 'z') {
        e.preventDefault();
        if (e.shiftKey) controller.redo();
        else controller.undo();
        return;
      }
      if (mod && key === 'y') {
        e.preventDefault();
        controller.redo();
        return;
      }
      if (mod || e.altKey) return;
      if (e.shiftKey && /^Digit[1-9]$/.test(e.code)) {
        const cls = store.get().project?.classes[Number(e.code.slice(5)) - 1];
        if (cls) store.set({ classId: cls.id });
        return;
      }
      const s = store.get();
      if (key in TOOL_KEYS) controller.setTool(TOOL_KEYS[key]);
      else if (key === '[') store.set({ brushSize: Math.max(1, Math.round(s.brushSize / 1.25)) });
      else if (key === ']')
        store.set({ brushSize: Math.min(200, Math.max(s.brushSize + 1, Math.round(s.brushSize * 1.25))) });
      else if (key === 'n') store.set({ continueObject: !s.continueObject });
      else if (key === 'escape') {
        if (s.helpOpen) store.set({ helpOpen: false });
        else controller.cancelGesture();
      } else if (key === 'enter') controller.finishGesture();
      else if (key === '0') controller.requestView('fit');
      else if (key === '1') controller.requestView('actual');
      else if (key === '?') store.set({ helpOpen: !s.helpOpen });
      else return;
      e.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [controller, enabled]);
}
