import { isAbsolute, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { BrowserWindow, session, shell } from 'electron';

/**
 * Content-Security-Policy of the app window: only the app's own files, no remote content, no
 * inline scripts. Applied as a response header to every load (index.html also carries it).
 */
export const APP_CSP =
  "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self' 'unsafe-inline'; " +
  "img-src 'self' data: blob:; connect-src 'self'; worker-src 'self' blob:; object-src 'none'; " +
  "base-uri 'none'; frame-ancestors 'none'; form-action 'none'";

/**
 * True for the app's own pages: files of the built UI folder (not any file:// URL on the disk),
 * or the electron-vite dev server in development.
 */
export function isAppUrl(url: string, devUrl: string | undefined, rendererDir: string): boolean {
  if (devUrl !== undefined && url.startsWith(devUrl)) return true;
  return isFileInside(url, rendererDir);
}

/** True for a file:// URL of a file below `folder` (dot segments resolved): the built UI only. */
export function isFileInside(url: string, folder: string): boolean {
  if (!url.startsWith('file://')) return false;
  try {
    const rel = relative(folder, fileURLToPath(url));
    return rel !== '' && rel !== '..' && !rel.startsWith(`..${sep}`) && !isAbsolute(rel);
  } catch {
    return false;
  }
}

/**
 * The main window, locked down: contextIsolation, sandbox, no Node in the
 * page, webSecurity on, CSP header, navigation away and new windows refused (http(s) links open
 * in the system browser instead), permission requests denied.
 */
export function createSecureWindow(preloadDir: string, rendererDir: string): BrowserWindow {
  const devUrl = process.env.ELECTRON_RENDERER_URL;
  const isOwnUrl = (url: string) => isAppUrl(url, devUrl, rendererDir);
  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [APP_CSP] } });
  });
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.defaultSession.webRequest.onBeforeRequest((details, callback) => {
    // No remote content: only the app's files (and devtools / data / blob URLs).
    const allowed = isOwnUrl(details.url) || /^(devtools|data|blob|chrome-extension):/.test(details.url);
    callback({ cancel: !allowed });
  });

  const window = new BrowserWindow({
    width: 1400,
    height: 900,
    show: false,
    title: 'U-Net Studio',
    webPreferences: {
      preload: join(preloadDir, 'index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  window.once('ready-to-show', () => window.show());
  window.webContents.on('will-navigate', (event, url) => {
    if (!isOwnUrl(url)) event.preventDefault();
  });
  window.webContents.on('will-attach-webview', (event) => event.preventDefault());
  window.webContents.setWindowOpenHandler(({ url }) => {
    if (/^https?:\/\//.test(url)) void shell.openExternal(url);
    return { action: 'deny' };
  });
  if (devUrl !== undefined) void window.loadURL(devUrl);
  else void window.loadFile(join(rendererDir, 'index.html'));
  return window;
}
