import { ComparePanel } from '../compare/ComparePanel';
import { ModelPackagePanel } from '../dataImport/ModelPackagePanel';
import { ExportPanel } from '../export/ExportPanel';
import { useStore } from '../store/Store';
import { TrainingPanel } from '../training/TrainingPanel';
import type { LabController } from './LabController';
import './lab.css';

/** The screen of the current mode other than annotate (null while annotating). */
export function LabScreens({ lab }: { lab: LabController }) {
  const mode = useStore(lab.store, (s) => s.mode);
  switch (mode) {
    case 'annotate':
      return null;
    case 'train':
      return <TrainingPanel lab={lab} />;
    case 'compare':
      return <ComparePanel lab={lab} />;
    case 'export':
      // The package panel scrolls with the export panels, in their column.
      return (
        <ExportPanel lab={lab}>
          <ModelPackagePanel lab={lab} />
        </ExportPanel>
      );
  }
}
