import { useEffect, useMemo, useState } from 'react';
import { AnnotationCanvas } from '../canvas/AnnotationCanvas';
import { MaskImportPanel } from '../dataImport/MaskImportPanel';
import { LabController } from '../lab/LabController';
import { LabScreens } from '../lab/LabScreens';
import { ModeTabs } from '../lab/ModeTabs';
import { useStore } from '../store/Store';
import type { StudioController } from '../store/StudioController';
import { ClassPanel } from './ClassPanel';
import { DisplayPanel } from './DisplayPanel';
import { ImageList } from './ImageList';
import { Notice } from './Notice';
import { SampleTour } from './SampleTour';
import { StatusBar } from './StatusBar';
import { Toolbar } from './Toolbar';
import { useShortcuts } from './useShortcuts';

/** The annotation workstation: toolbar, image list, canvas, side panels, status bar; drop to import. */
export function Workspace({ controller }: { controller: StudioController }) {
  const { store } = controller;
  useStore(store, (s) => s.sessionVersion);
  const loading = useStore(store, (s) => s.loadingImage);
  const hasImages = useStore(store, (s) => (s.project?.images.length ?? 0) > 0);
  const [dragOver, setDragOver] = useState(false);
  // Train / compare / export screens (their own controller and state; see lab/).
  const lab = useMemo(() => new LabController(controller), [controller]);
  useEffect(() => lab.attach(), [lab]);
  const mode = useStore(lab.store, (s) => s.mode);
  useShortcuts(controller, mode === 'annotate');
  const session = controller.current();

  return (
    // biome-ignore lint/a11y/noStaticElementInteractions: a drop zone for files; Import… is the keyboard path
    <div
      className={`workspace ${dragOver ? 'drag-over' : ''}`}
      onDragOver={(e) => {
        if (!e.dataTransfer.types.includes('Files')) return;
        e.preventDefault();
        setDragOver(true);
      }}
      onDragLeave={() => setDragOver(false)}
      onDrop={(e) => {
        e.preventDefault();
        setDragOver(false);
        const files = [...e.dataTransfer.files];
        if (files.length) void controller.uploadFiles(files);
      }}
    >
      <Toolbar controller={controller} annotating={mode === 'annotate'} />
      <ModeTabs lab={lab} />
      <Notice controller={controller} />
      <SampleTour controller={controller} lab={lab} />
      <LabScreens lab={lab} />
      <div className="main-row" hidden={mode !== 'annotate'}>
        <ImageList controller={controller} />
        <main className="canvas-area">
          {session && !loading ? (
            <AnnotationCanvas key={session.imageId} controller={controller} session={session} />
          ) : (
            <div className="canvas-empty muted">
              {loading
                ? 'Loading image…'
                : hasImages
                  ? 'Select an image.'
                  : 'Import images to start annotating.'}
            </div>
          )}
        </main>
        <aside className="side-panel">
          <ClassPanel controller={controller} />
          <DisplayPanel controller={controller} />
          <MaskImportPanel controller={controller} />
        </aside>
      </div>
      <StatusBar controller={controller} />
    </div>
  );
}
