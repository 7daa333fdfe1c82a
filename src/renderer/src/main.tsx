import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { perfProbe } from './canvas/perfProbe';
import { App } from './components/App';
import { StudioController } from './store/StudioController';
import './styles.css';

// The UI bench reads and switches the canvas timing probe through this handle.
(window as Window & { unetPerfProbe?: typeof perfProbe }).unetPerfProbe = perfProbe;

const root = document.getElementById('root');
if (root) {
  const controller = new StudioController(getApi());
  createRoot(root).render(<App controller={controller} />);
}
