import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it, vi } from 'vitest';

// The Electron shell's lock-down, checked against a recording fake of `electron` (its binary
// is not installed here): what src/main asks Electron for is what a real window would get.
vi.mock('electron', async () => (await import('../support/fakeElectron')).fakeElectron.module);

import { APP_CSP, createSecureWindow } from '../../src/main/secureWindow';
import { CONTENT_SECURITY_POLICY } from '../../src/server/staticFiles';
import { API_EVENTS, API_METHODS, subscriptionName } from '../../src/shared/api';
import { fakeElectron as fake } from '../support/fakeElectron';

const { record } = fake;

/** CSP text -> directive -> sources. */
function parseCsp(text: string): Map<string, string[]> {
  const map = new Map<string, string[]>();
  for (const part of text.split(';')) {
    const [name, ...sources] = part.trim().split(/\s+/);
    if (name) map.set(name, sources);
  }
  return map;
}

/** A CSP that allows no remote code, no inline/eval scripts, no plugins, no framing. */
function expectStrictCsp(text: string, where: string): void {
  const csp = parseCsp(text);
  expect([where, csp.get('default-src')]).toEqual([where, ["'self'"]]);
  const script = csp.get('script-src') ?? csp.get('default-src') ?? [];
  for (const bad of ["'unsafe-inline'", "'unsafe-eval'", '*', 'http:', 'https:', 'data:', 'blob:'])
    expect([where, 'script-src', script.includes(bad)]).toEqual([where, 'script-src', false]);
  for (const [name, sources] of csp) {
    for (const source of sources) {
      // No wildcard and no remote host anywhere (ws: to the loopback server only).
      expect([where, name, source === '*' || /^https?:\/\//.test(source)]).toEqual([where, name, false]);
    }
  }
}

let window: ReturnType<typeof createSecureWindow>;
beforeAll(() => {
  window = createSecureWindow('/app/out/preload', '/app/out/renderer');
});

describe('Electron shell lock-down', () => {
  it('the window has context isolation, sandbox, no Node, web security, no webview', () => {
    // One window, and the one returned is the one configured below.
    expect(record.windows).toHaveLength(1);
    expect(record.windows[0].window).toBe(window);
    const prefs = record.windows[0].options.webPreferences as Record<string, unknown>;
    expect(prefs).toMatchObject({
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
    });
    expect(prefs).not.toHaveProperty('enableRemoteModule');
    expect(prefs).not.toHaveProperty('nodeIntegrationInSubFrames', true);
  });

  it('navigation away from the app and every new window are refused', () => {
    const navigate = record.windows[0].on.get('will-navigate')!;
    for (const url of [
      'https://evil.example/',
      'http://127.0.0.1:8080/',
      'javascript:alert(1)',
      'data:text/html,x',
    ]) {
      const preventDefault = vi.fn();
      navigate({ preventDefault }, url);
      expect([url, preventDefault.mock.calls.length]).toEqual([url, 1]);
    }
    const open = record.windows[0].openHandler!;
    for (const url of ['https://evil.example/', 'file:///etc/passwd', 'about:blank', 'javascript:x']) {
      expect([url, open({ url })]).toEqual([url, { action: 'deny' }]);
    }
    const attach = vi.fn();
    record.windows[0].on.get('will-attach-webview')!({ preventDefault: attach });
    expect(attach).toHaveBeenCalledTimes(1);
  });

  it('no remote content is loaded and no permission is granted', () => {
    const cancelled = (url: string) => {
      let answer: { cancel?: boolean } = {};
      record.before!({ url }, (a: { cancel?: boolean }) => {
        answer = a;
      });
      return answer.cancel;
    };
    for (const url of [
      'https://cdn.example/x.js',
      'http://127.0.0.1:1234/api',
      'ws://evil.example/',
      // Local files outside the built UI folder are not the app's either.
      'file:///etc/passwd',
      'file:///app/out/renderer/../preload/index.cjs',
      'file:///app/out/renderer-evil/index.html',
    ]) {
      expect([url, cancelled(url)]).toEqual([url, true]);
    }
    expect(cancelled('file:///app/out/renderer/index.html')).toBe(false);
    expect(cancelled('file:///app/out/renderer/assets/index-abc.js')).toBe(false);
    for (const permission of ['media', 'geolocation', 'notifications', 'openExternal']) {
      let granted: boolean | undefined;
      record.permission!({}, permission, (g: boolean) => {
        granted = g;
      });
      expect([permission, granted]).toEqual([permission, false]);
    }
  });

  it('a strict Content-Security-Policy is sent with every response (and in index.html)', () => {
    let headers: Record<string, string[]> = {};
    record.headers!(
      { responseHeaders: { 'X-Other': ['1'] } },
      (a: { responseHeaders: Record<string, string[]> }) => {
        headers = a.responseHeaders;
      },
    );
    expect(headers['Content-Security-Policy']).toEqual([APP_CSP]);
    expectStrictCsp(APP_CSP, 'electron header');
    expectStrictCsp(CONTENT_SECURITY_POLICY, 'browser shell header');
    const html = readFileSync(join(__dirname, '..', '..', 'src', 'renderer', 'index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html);
    expect(meta).not.toBeNull();
    expectStrictCsp(meta![1], 'index.html meta');
  });

  it('main enables the sandbox for every renderer and denies windows from any web contents', async () => {
    await import('../../src/main/index');
    expect(record.sandboxEnabled).toBe(true);
    let handler: ((d: { url: string }) => unknown) | undefined;
    record.appEvents.get('web-contents-created')!(
      {},
      { setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (handler = h) },
    );
    expect(handler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('the preload exposes only window.api: one function per API method and event, no ipcRenderer', async () => {
    await import('../../src/preload/index');
    expect([...record.exposed.keys()]).toEqual(['api']);
    const api = record.exposed.get('api') as Record<string, unknown>;
    const expected = [...API_METHODS, ...API_EVENTS.map((e) => subscriptionName(e))].sort();
    expect(Object.keys(api).sort()).toEqual(expected);
    for (const [name, value] of Object.entries(api)) expect([name, typeof value]).toEqual([name, 'function']);
    expect(Object.values(api)).not.toContain(fake.electron.ipcRenderer);
    await (api.openProject as (dir: string) => Promise<unknown>)('/x');
    expect(record.invoked).toEqual([['api:openProject', '/x']]);
  });
});
