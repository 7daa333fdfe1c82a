import type { IncomingMessage, ServerResponse } from 'node:http';
import { invokeApi } from '../app/index';
import type { ApiHandlers } from '../shared/api';
import { decodeFrame, encodeFrameChunks, FRAME_CONTENT_TYPE } from '../shared/apiCodec';
import { isApiMethod } from '../shared/apiSchemas';
import { sendJson, statusOf } from './responses';

/** Largest request body, bytes (an upload of a 16384 x 16384 8-bit image fits). */
export const DEFAULT_MAX_BODY_BYTES = 320 * 1024 * 1024;

class BodyTooLarge extends Error {}

async function readBody(request: IncomingMessage, limit: number): Promise<Uint8Array> {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > limit) throw new BodyTooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).byteLength;
    if (size > limit) throw new BodyTooLarge();
    chunks.push(chunk as Buffer);
  }
  const body = Buffer.concat(chunks);
  return new Uint8Array(body.buffer, body.byteOffset, body.byteLength);
}

const schemaError = (message: string) => ({ ok: false, error: { code: 'schema', message } });

/**
 * `POST /api/<method>`: the body is an apiCodec frame (or JSON) holding the argument array;
 * a success is answered with the Result as a frame (binary parts stay binary), an error as JSON. Unknown method -> 404;
 * other verbs -> 405; unreadable body -> 400 'schema'; over the limit -> 413 'too_large'.
 */
export async function handleApiRequest(
  handlers: ApiHandlers,
  name: string,
  request: IncomingMessage,
  response: ServerResponse,
  maxBodyBytes = DEFAULT_MAX_BODY_BYTES,
): Promise<void> {
  if (!isApiMethod(name)) {
    sendJson(response, 404, { ok: false, error: { code: 'not_found', message: `No API method ${name}` } });
    return;
  }
  if (request.method !== 'POST') {
    sendJson(response, 405, schemaError(`${name} must be called with POST`), { allow: 'POST' });
    return;
  }
  let args: unknown;
  try {
    const body = await readBody(request, maxBodyBytes);
    const type = request.headers['content-type'] ?? '';
    args = type.startsWith('application/json')
      ? JSON.parse(new TextDecoder().decode(body))
      : decodeFrame(body);
  } catch (error) {
    if (error instanceof BodyTooLarge) {
      sendJson(response, 413, {
        ok: false,
        error: { code: 'too_large', message: `Request to ${name} is larger than ${maxBodyBytes} bytes.` },
      });
      request.resume();
      return;
    }
    sendJson(response, 400, schemaError(`Malformed request body for ${name}: ${String(error)}`));
    return;
  }
  const result = await invokeApi(handlers, name, args);
  if (!result.ok) {
    // Errors carry no binary parts: plain JSON, readable by any client.
    sendJson(response, statusOf(result.error.code), result);
    return;
  }
  // Parts go out as views of the handler's arrays: no copy of a 32 MB image.
  const chunks = encodeFrameChunks(result);
  response.writeHead(200, {
    'content-type': FRAME_CONTENT_TYPE,
    'content-length': String(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0)),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
  });
  for (const chunk of chunks) response.write(chunk);
  response.end();
}
