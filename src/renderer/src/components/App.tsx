import { useEffect } from 'react';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { ErrorBanner } from './ErrorBanner';
import { HelpPanel } from './HelpPanel';
import { ProjectScreen } from './ProjectScreen';
import { Workspace } from './Workspace';

/** The root: project screen until a project is open, then the workstation. */
export function App({ controller }: { controller: StudioController }) {
  const hasProject = useStore(controller.store, (s) => s.project !== null);
  useEffect(() => {
    void controller.init();
    // Write pending edits before the page goes away (reload, close). A request started while the
    // page unloads may be dropped, so with edits still unsaved the browser is also asked to
    // confirm leaving; the save started here completes while that question is shown.
    const onBeforeUnload = (event: BeforeUnloadEvent) => {
      if (!controller.hasUnsavedEdits()) return;
      void controller.flushAll();
      event.preventDefault();
    };
    const onHide = () => void controller.flushAll();
    window.addEventListener('beforeunload', onBeforeUnload);
    window.addEventListener('pagehide', onHide);
    return () => {
      window.removeEventListener('beforeunload', onBeforeUnload);
      window.removeEventListener('pagehide', onHide);
    };
  }, [controller]);
  return (
    <div className="app">
      <ErrorBanner controller={controller} />
      {hasProject ? <Workspace controller={controller} /> : <ProjectScreen controller={controller} />}
      <HelpPanel controller={controller} />
    </div>
  );
}
