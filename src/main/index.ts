// Electron shell: wires the engine's API service to the window. Thin by design: everything it
// serves is implemented once in src/engine/service (the browser shell serves the same).
import { join } from 'node:path';
import { app, type BrowserWindow, ipcMain } from 'electron';
import { createStudioService } from '../engine/index';
import { bindApiToIpc } from './ipcBridge';
import { nativeDialogs } from './nativeDialogs';
import { createSecureWindow } from './secureWindow';

let window: BrowserWindow | null = null;
const service = createStudioService({
  shell: 'electron',
  version: app.getVersion(),
  workspaceRoot: null,
  dialogs: nativeDialogs(() => window),
});

// Several app instances may run (one per project); the project lock keeps them apart.
app.enableSandbox();

app.on('web-contents-created', (_event, contents) => {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
});

app.whenReady().then(
  () => {
    window = createSecureWindow(join(__dirname, '../preload'), join(__dirname, '../renderer'));
    const unbind = bindApiToIpc(ipcMain, service, window, join(__dirname, '../renderer'));
    // `npm start -- --project DIR` passes the folder on; the UI shows any failure via getProject.
    const initial = process.env.UNET_STUDIO_PROJECT;
    if (initial) {
      service.handlers.openProject(initial).catch((error: unknown) => {
        process.stderr.write(
          `Could not open ${initial}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
    }
    window.on('closed', () => {
      unbind();
      window = null;
    });
  },
  (error: unknown) => {
    process.stderr.write(`U-Net Studio could not start: ${String(error)}\n`);
    app.exit(1);
  },
);

app.on('window-all-closed', () => app.quit());

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed) return;
  // Release the project lock (and let pending writes finish) before quitting.
  event.preventDefault();
  disposed = true;
  service.dispose().finally(() => app.quit());
});
