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

function cookieValue(header: string | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return decodeURIComponent(rest.join('='));
  }
  return null;
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
  const fromCookie = cookieValue(request.headers.cookie, TOKEN_COOKIE);
  if (fromCookie !== null && tokensEqual(token, fromCookie)) return 'cookie';
  return null;
}

/** The Set-Cookie header value: HttpOnly, SameSite=Strict, whole site, session-only. */
export function tokenCookie(token: string): string {
  return `${TOKEN_COOKIE}=${encodeURIComponent(token)}; HttpOnly; SameSite=Strict; Path=/`;
}
