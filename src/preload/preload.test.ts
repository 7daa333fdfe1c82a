import { describe, expect, it, vi } from 'vitest';

const fake = vi.hoisted(() => {
  const exposed = new Map<string, Record<string, (...args: unknown[]) => unknown>>();
  const listeners = new Map<string, (event: unknown, message: unknown) => void>();
  const ipcRenderer = {
    invoke: vi.fn(async (...args: unknown[]) => ({ ok: true, value: args })),
    on: (channel: string, listener: (event: unknown, message: unknown) => void) =>
      listeners.set(channel, listener),
    send: vi.fn(),
  };
  const contextBridge = {
    exposeInMainWorld: (key: string, api: Record<string, (...args: unknown[]) => unknown>) =>
      exposed.set(key, api),
  };
  return { exposed, listeners, ipcRenderer, contextBridge };
});
vi.mock('electron', () => ({ ipcRenderer: fake.ipcRenderer, contextBridge: fake.contextBridge }));

import { API_EVENTS, API_METHODS } from '../shared/api';
import './index';

describe('preload bridge', () => {
  it('exposes exactly the API methods and onX subscriptions as window.api, never ipcRenderer', () => {
    expect([...fake.exposed.keys()]).toEqual(['api']);
    const api = fake.exposed.get('api')!;
    const expected = [...API_METHODS, ...API_EVENTS.map((e) => `on${e[0].toUpperCase()}${e.slice(1)}`)];
    expect(Object.keys(api).sort()).toEqual(expected.sort());
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(fake.ipcRenderer);
  });

  it('invokes the method channel with the arguments unchanged (binary stays binary)', async () => {
    const api = fake.exposed.get('api')!;
    const patch = { x: 0, y: 0, w: 1, h: 1, classes: new Uint8Array([2]), instances: new Uint16Array([7]) };
    await api.saveAnnotationPatch('img_000000000000', patch);
    expect(fake.ipcRenderer.invoke).toHaveBeenLastCalledWith(
      'api:saveAnnotationPatch',
      'img_000000000000',
      patch,
    );
  });

  it('delivers events of the one event channel to subscribers until they unsubscribe', () => {
    const api = fake.exposed.get('api')!;
    const seen: unknown[] = [];
    const unsubscribe = api.onProjectChanged((payload: unknown) => seen.push(payload)) as () => void;
    const channel = fake.listeners.get('api:event')!;
    channel({}, { event: 'projectChanged', payload: { name: 'a' } });
    channel({}, { event: 'jobEvent', payload: { kind: 'started' } });
    unsubscribe();
    channel({}, { event: 'projectChanged', payload: { name: 'b' } });
    expect(seen).toEqual([{ name: 'a' }]);
  });
});
