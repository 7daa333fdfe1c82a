import WebSocket from 'ws';
import type { StudioApi } from '../../src/shared/api';
import { createHttpApi } from '../../src/shared/apiHttpClient';

/**
 * The browser shell's client as a Node test or bench uses it: Node's fetch for calls, the `ws`
 * package for the event socket (reconnecting after `reconnectMs`), or no events at all.
 */
export function nodeApiClient(
  origin: string,
  token: string | null,
  { events = true, reconnectMs = 50 }: { events?: boolean; reconnectMs?: number } = {},
): StudioApi {
  return createHttpApi({
    baseUrl: origin,
    token,
    fetch: (url, init) =>
      fetch(url, {
        ...init,
        body: Buffer.from(init.body.buffer, init.body.byteOffset, init.body.byteLength),
      }),
    openSocket: events
      ? (url, handlers) => {
          const socket = new WebSocket(url);
          socket.on('message', (data) => handlers.onMessage(data.toString()));
          socket.on('close', () => handlers.onClose());
          socket.on('error', () => undefined);
          return socket;
        }
      : null,
    reconnectMs,
  });
}
