import type { StudioApi } from '../../../shared/api';
import { createHttpApi } from '../../../shared/apiHttpClient';
import { sessionToken } from './sessionToken';

let cached: StudioApi | null = null;

/**
 * The API client of the renderer. Under Electron the preload bridge's `window.api`; in a
 * browser the HTTP + WebSocket client of the browser shell (token from the page URL's
 * `?token=`, kept in sessionStorage; the server's HttpOnly cookie also authenticates).
 * Both are generated from API_METHODS, so the UI cannot tell which shell it runs in.
 */
export function getApi(): StudioApi {
  if (cached !== null) return cached;
  const bridged = (window as Window & { api?: StudioApi }).api;
  cached =
    bridged ??
    createHttpApi({
      baseUrl: window.location.origin,
      token: sessionToken(window),
      fetch: (url, init) => window.fetch(url, { ...init, body: init.body as Uint8Array<ArrayBuffer> }),
      openSocket: (url, handlers) => {
        const socket = new WebSocket(url);
        socket.onmessage = (event) => handlers.onMessage(event.data);
        socket.onclose = () => handlers.onClose();
        return socket;
      },
    });
  return cached;
}
