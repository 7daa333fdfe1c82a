// Electron shell: wires the app layer's API service to the window. Thin by design: everything it
// serves is implemented once in src/app (the browser shell serves the same).
import { join } from 'node:path';
import { app, type BrowserWindow, ipcMain } from 'electron';
import { createStudioService } from '../app/index';
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

function openWindow(): void {
  const rendererDir = join(__dirname, '../renderer');
  const opened = createSecureWindow(join(__dirname, '../preload'), rendererDir);
  const unbind = bindApiToIpc(ipcMain, service, opened, rendererDir);
  opened.on('closed', () => {
    unbind();
    if (window === opened) window = null;
  });
  window = opened;
}

app.whenReady().then(
  () => {
    openWindow();
    // `npm start -- --project DIR` passes the folder on; the UI shows any failure via getProject.
    const initial = process.env.UNET_STUDIO_PROJECT;
    if (initial) {
      service.handlers.openProject(initial).catch((error: unknown) => {
        process.stderr.write(
          `Could not open ${initial}: ${error instanceof Error ? error.message : String(error)}\n`,
        );
      });
    }
  },
  (error: unknown) => {
    process.stderr.write(`U-Net Studio could not start: ${String(error)}\n`);
    app.exit(1);
  },
);

// Closing the window does not stop a training run or prediction job: the app stays up until
// the work is done (then quits), and the dock icon (macOS) or `activate` brings the window back.
const BUSY_POLL_MS = 5000;
app.on('window-all-closed', () => {
  if (!service.busy()) {
    app.quit();
    return;
  }
  process.stdout.write(
    'U-Net Studio: the window is closed; training continues and the app quits when it ends.\n',
  );
  const timer = setInterval(() => {
    if (window !== null) clearInterval(timer);
    else if (!service.busy()) {
      clearInterval(timer);
      app.quit();
    }
  }, BUSY_POLL_MS);
});
app.on('activate', () => {
  if (window === null && app.isReady()) openWindow();
});

let disposed = false;
app.on('before-quit', (event) => {
  if (disposed) return;
  // Release the project lock (and let pending writes finish) before quitting.
  event.preventDefault();
  disposed = true;
  service.dispose().finally(() => app.quit());
});
