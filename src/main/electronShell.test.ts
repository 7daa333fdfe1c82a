import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

// Electron's binary is not available in tests: the shared recording fake stands in for it.
vi.mock('electron', async () => (await import('../../test/support/fakeElectron')).fakeElectron.module);

import { fakeElectron } from '../../test/support/fakeElectron';
import { createStudioService, type StudioService } from '../app/index';
import { API_METHODS, IPC_EVENT_CHANNEL } from '../shared/api';
import { bindApiToIpc } from './ipcBridge';
import { createSecureWindow } from './secureWindow';

type Invoke = (
  event: unknown,
  ...args: unknown[]
) => Promise<{ ok: boolean; error?: { code: string }; value?: unknown }>;

let root: string;
let service: StudioService;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'unet-electron-'));
  const env = { ...process.env, UNET_STUDIO_CONFIG_DIR: join(root, 'config') };
  service = createStudioService({
    shell: 'electron',
    version: 'test',
    workspaceRoot: null,
    env,
    work: 'in-process',
  });
});
afterEach(async () => {
  await service.dispose();
  await rm(root, { recursive: true, force: true });
});

describe('Electron window', () => {
  it('is sandboxed, isolated, without Node, with CSP, and refuses navigation, new windows and remote content', () => {
    const window = createSecureWindow('/app/preload', '/app/renderer');
    const record = fakeElectron.record.windows.at(-1)!;
    expect(record.options.webPreferences).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      preload: '/app/preload/index.cjs',
    });
    const prevent = vi.fn();
    record.on.get('will-navigate')!({ preventDefault: prevent }, 'https://example.com/');
    expect(prevent).toHaveBeenCalledTimes(1);
    expect(record.openHandler!({ url: 'https://example.com/' })).toEqual({ action: 'deny' });
    const decide = (url: string) => {
      let cancel: boolean | undefined;
      fakeElectron.record.before!({ url }, (answer: { cancel: boolean }) => {
        cancel = answer.cancel;
      });
      return cancel;
    };
    expect([
      decide('https://example.com/x.js'),
      decide('http://127.0.0.1:80/'),
      decide('file:///app/renderer/index.html'),
      decide('file:///etc/passwd'),
      decide('file:///app/renderer/../secret.txt'),
    ]).toEqual([true, true, false, true, true]);
    let headers: Record<string, string[]> = {};
    fakeElectron.record.headers!(
      { responseHeaders: {} },
      (answer: { responseHeaders: Record<string, string[]> }) => {
        headers = answer.responseHeaders;
      },
    );
    expect(headers['Content-Security-Policy'][0]).toMatch(/^default-src 'self'; script-src 'self'/);
    // The window returned is the one configured above.
    expect(record.window).toBe(window);
  });
});

describe('IPC bridge', () => {
  it('registers one handler per API method and returns schema-checked Results', async () => {
    const handlers = new Map<string, Invoke>();
    const ipcMain = {
      handle: (channel: string, fn: Invoke) => handlers.set(channel, fn),
      removeHandler: (channel: string) => handlers.delete(channel),
    };
    const window = new fakeElectron.electron.BrowserWindow({});
    const unbind = bindApiToIpc(ipcMain as never, service, window as never, '/app/renderer');
    expect([...handlers.keys()].sort()).toEqual(API_METHODS.map((m) => `api:${m}`).sort());

    const app = { sender: window.webContents, senderFrame: { url: 'file:///app/renderer/index.html' } };
    const malformed = await handlers.get('api:openProject')!(app, 42);
    expect(malformed).toMatchObject({ ok: false, error: { code: 'schema' } });
    const foreign = { sender: window.webContents, senderFrame: { url: 'https://evil.example/' } };
    expect(await handlers.get('api:getProject')!(foreign)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });
    const localFile = { sender: window.webContents, senderFrame: { url: 'file:///tmp/page.html' } };
    expect(await handlers.get('api:getProject')!(localFile)).toMatchObject({
      ok: false,
      error: { code: 'unauthorized' },
    });

    const created = await handlers.get('api:createProject')!(app, join(root, 'p'), 'P');
    expect(created.ok).toBe(true);
    const send = window.webContents.send as ReturnType<typeof vi.fn>;
    expect(send).toHaveBeenCalledWith(
      IPC_EVENT_CHANNEL,
      expect.objectContaining({ event: 'projectChanged' }),
    );
    const info = await handlers.get('api:appInfo')!(app);
    expect(info.value).toMatchObject({ shell: 'electron', nativeDialogs: false });

    unbind();
    expect(handlers.size).toBe(0);
  });
});
