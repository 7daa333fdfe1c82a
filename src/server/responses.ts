import type { ServerResponse } from 'node:http';
import type { ErrorCode } from '../shared/errors';

/** HTTP status of an API error code (the body always holds the Result). */
export function statusOf(code: ErrorCode): number {
  switch (code) {
    case 'schema':
    case 'invalid_argument':
      return 400;
    case 'unauthorized':
      return 401;
    case 'forbidden_path':
      return 403;
    case 'not_found':
      return 404;
    case 'locked':
    case 'conflict':
      return 409;
    case 'too_large':
      return 413;
    case 'internal':
      return 500;
    default:
      return 422;
  }
}

/** Sends a JSON body (no CORS headers, never cached). */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  response.end(text);
}
