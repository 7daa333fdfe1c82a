// Preload bridge (runs sandboxed, bundled to CommonJS): exposes `window.api` built from the
// one API table. Never exposes ipcRenderer itself; the page only gets these functions.
import { contextBridge, ipcRenderer } from 'electron';
import {
  API_EVENTS,
  API_METHODS,
  type ApiEvent,
  type ApiEventMessage,
  IPC_EVENT_CHANNEL,
  ipcChannel,
  type StudioApi,
  subscriptionName,
} from '../shared/api';

const listeners = new Map<ApiEvent, Set<(payload: unknown) => void>>(
  API_EVENTS.map((event) => [event, new Set()]),
);

ipcRenderer.on(IPC_EVENT_CHANNEL, (_event, message: ApiEventMessage) => {
  listeners.get(message.event)?.forEach((listener) => {
    listener(message.payload);
  });
});

const api: Record<string, unknown> = {};
for (const method of API_METHODS) {
  api[method] = (...args: unknown[]) => ipcRenderer.invoke(ipcChannel(method), ...args);
}
for (const event of API_EVENTS) {
  api[subscriptionName(event)] = (listener: (payload: unknown) => void) => {
    const set = listeners.get(event);
    if (typeof listener !== 'function' || set === undefined) return () => undefined;
    set.add(listener);
    return () => {
      set.delete(listener);
    };
  };
}

contextBridge.exposeInMainWorld('api', api as StudioApi);
