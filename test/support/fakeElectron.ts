import { vi } from 'vitest';

// Electron's binary is not installed in tests: a recording fake of the few APIs that src/main
// and src/preload use. Mock it in a test file with
//   vi.mock('electron', async () => (await import('<path>/test/support/fakeElectron')).fakeElectron.module);
// and import `fakeElectron` normally: the mock and the test share this one instance per file.

type Handler = (...args: unknown[]) => unknown;

/** One `new BrowserWindow(options)`: its options, its webContents listeners, its open handler. */
export interface FakeWindowRecord {
  /** The window object itself (what the code under test got back from `new`). */
  window: unknown;
  options: Record<string, unknown>;
  on: Map<string, Handler>;
  openHandler?: Handler;
}

/** What the code under test asked the fake Electron for, in call order. */
const record = {
  windows: [] as FakeWindowRecord[],
  appEvents: new Map<string, Handler>(),
  sandboxEnabled: false,
  /** session.defaultSession.webRequest.onHeadersReceived handler. */
  headers: undefined as Handler | undefined,
  /** session.defaultSession.webRequest.onBeforeRequest handler. */
  before: undefined as Handler | undefined,
  /** session.defaultSession.setPermissionRequestHandler handler. */
  permission: undefined as Handler | undefined,
  /** contextBridge.exposeInMainWorld(key, value) calls. */
  exposed: new Map<string, unknown>(),
  /** ipcRenderer.invoke arguments (each answered `{ ok: true, value: null }`). */
  invoked: [] as unknown[][],
  /** ipcRenderer.on(channel, listener) calls. */
  listeners: new Map<string, Handler>(),
};

class BrowserWindow {
  readonly webContents: Record<string, unknown>;
  constructor(options: Record<string, unknown>) {
    const entry: FakeWindowRecord = { window: this, options, on: new Map() };
    record.windows.push(entry);
    this.webContents = {
      on: (name: string, handler: Handler) => entry.on.set(name, handler),
      setWindowOpenHandler: (handler: Handler) => {
        entry.openHandler = handler;
      },
      send: vi.fn(),
    };
  }
  once() {}
  on() {}
  loadFile() {
    return Promise.resolve();
  }
  loadURL() {
    return Promise.resolve();
  }
  isDestroyed() {
    return false;
  }
}

const electron = {
  BrowserWindow,
  app: {
    getVersion: () => '0.0.0-test',
    enableSandbox: () => {
      record.sandboxEnabled = true;
    },
    on: (name: string, handler: Handler) => record.appEvents.set(name, handler),
    whenReady: () => new Promise(() => undefined), // never ready: no window from src/main/index.ts
    quit: () => undefined,
    exit: () => undefined,
  },
  ipcMain: { handle: () => undefined, removeHandler: () => undefined },
  session: {
    defaultSession: {
      webRequest: {
        onHeadersReceived: (h: Handler) => {
          record.headers = h;
        },
        onBeforeRequest: (h: Handler) => {
          record.before = h;
        },
      },
      setPermissionRequestHandler: (h: Handler) => {
        record.permission = h;
      },
    },
  },
  shell: { openExternal: () => Promise.resolve() },
  dialog: {},
  contextBridge: { exposeInMainWorld: (key: string, value: unknown) => record.exposed.set(key, value) },
  ipcRenderer: {
    on: (channel: string, listener: Handler) => record.listeners.set(channel, listener),
    invoke: vi.fn((...args: unknown[]) => {
      record.invoked.push(args);
      return Promise.resolve({ ok: true, value: null });
    }),
    send: vi.fn(),
  },
};

/**
 * The fake: `record` (what was asked for), `electron` (the named exports) and `module` (what
 * `vi.mock('electron', ...)` returns: the named exports plus a default export).
 */
export const fakeElectron = { record, electron, module: { ...electron, default: electron } };
