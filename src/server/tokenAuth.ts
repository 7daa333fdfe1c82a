import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** Name of the session cookie the server sets after the first request carrying the token. */
export const TOKEN_COOKIE = 'unet_studio_token';

/** A fresh session token: 32 random bytes, hex. */
export function newToken(): string {
  return randomBytes(32).toString('hex');
}

/** Where a request's token came from; `query` means the server should set the cookie. */
export type TokenSource = 'query' | 'header' | 'cookie';

/** Constant-time string compare (digests first, so lengths never leak through timing). */
export function tokensEqual(expected: string, given: string): boolean {
  const a = createHash('sha256').update(expected).digest();
  const b = createHash('sha256').update(given).digest();
  return timingSafeEqual(a, b);
}

/** Values of every session cookie (`unet_studio_token` or `unet_studio_token_<port>`). */
function tokenCookieValues(header: string | undefined): string[] {
  if (!header) return [];
  const values: string[] = [];
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === TOKEN_COOKIE || key.startsWith(`${TOKEN_COOKIE}_`)) {
      try {
        values.push(decodeURIComponent(rest.join('=')));
      } catch {
        /* a malformed cookie is simply not a token */
      }
    }
  }
  return values;
}

/**
 * Checks a request's token: `?token=` in the URL, `Authorization: Bearer <token>` or the
 * session cookie. Returns where a valid token came from, or null (the caller answers 401).
 */
export function authenticate(request: IncomingMessage, url: URL, token: string): TokenSource | null {
  const fromQuery = url.searchParams.get('token');
  if (fromQuery !== null && tokensEqual(token, fromQuery)) return 'query';
  const authorization = request.headers.authorization;
  if (authorization?.startsWith('Bearer ') && tokensEqual(token, authorization.slice(7).trim()))
    return 'header';
  // Cookies ignore ports: servers on two ports of 127.0.0.1 each set their own cookie name, and
  // the browser sends them all; any one that matches this server's token will do.
  if (tokenCookieValues(request.headers.cookie).some((value) => tokensEqual(token, value))) return 'cookie';
  return null;
}

/**
 * The Set-Cookie header value: HttpOnly, SameSite=Strict, whole site, session-only. Named per
 * port (`unet_studio_token_<port>`) so two servers on one host do not overwrite each other.
 */
export function tokenCookie(token: string, port?: number): string {
  const name = port === undefined ? TOKEN_COOKIE : `${TOKEN_COOKIE}_${port}`;
  return `${name}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
