import { describe, expect, it, vi } from 'vitest';

vi.mock('electron', async () => (await import('../../test/support/fakeElectron')).fakeElectron.module);

import { fakeElectron } from '../../test/support/fakeElectron';
import { API_EVENTS, API_METHODS } from '../shared/api';
import './index';

const { record, electron } = fakeElectron;
/** The window.api object the preload exposed. */
const exposedApi = () => record.exposed.get('api') as Record<string, (...args: unknown[]) => unknown>;

describe('preload bridge', () => {
  it('exposes exactly the API methods and onX subscriptions as window.api, never ipcRenderer', () => {
    expect([...record.exposed.keys()]).toEqual(['api']);
    const api = exposedApi();
    const expected = [...API_METHODS, ...API_EVENTS.map((e) => `on${e[0].toUpperCase()}${e.slice(1)}`)];
    expect(Object.keys(api).sort()).toEqual(expected.sort());
    expect(Object.values(api).every((value) => typeof value === 'function')).toBe(true);
    expect(Object.values(api)).not.toContain(electron.ipcRenderer);
  });

  it('invokes the method channel with the arguments unchanged (binary stays binary)', async () => {
    const api = exposedApi();
    const patch = { x: 0, y: 0, w: 1, h: 1, classes: new Uint8Array([2]), instances: new Uint16Array([7]) };
    await api.saveAnnotationPatch('img_000000000000', patch);
    expect(electron.ipcRenderer.invoke).toHaveBeenLastCalledWith(
      'api:saveAnnotationPatch',
      'img_000000000000',
      patch,
    );
  });

  it('delivers events of the one event channel to subscribers until they unsubscribe', () => {
    const api = exposedApi();
    const seen: unknown[] = [];
    const unsubscribe = api.onProjectChanged((payload: unknown) => seen.push(payload)) as () => void;
    const channel = record.listeners.get('api:event')!;
    channel({}, { event: 'projectChanged', payload: { name: 'a' } });
    channel({}, { event: 'jobEvent', payload: { kind: 'started' } });
    unsubscribe();
    channel({}, { event: 'projectChanged', payload: { name: 'b' } });
    expect(seen).toEqual([{ name: 'a' }]);
  });
});
