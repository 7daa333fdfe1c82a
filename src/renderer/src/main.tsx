import { createRoot } from 'react-dom/client';
import { getApi } from './api';
import { App } from './components/App';
import { StudioController } from './store/StudioController';
import './styles.css';

const root = document.getElementById('root');
if (root) {
  const controller = new StudioController(getApi());
  createRoot(root).render(<App controller={controller} />);
}
