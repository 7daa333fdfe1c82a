import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';

// Records every call of crypto.timingSafeEqual while keeping the real implementation.
const calls = vi.hoisted(() => [] as { a: number; b: number }[]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push({ a: a.byteLength, b: b.byteLength });
      return real.timingSafeEqual(a, b);
    },
  };
});

import { authenticate, newToken, tokensEqual } from '../../src/server/index';

const requestWith = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

describe('token compare', () => {
  it('goes through crypto.timingSafeEqual on equal-length digests, whatever the lengths given', () => {
    const token = newToken();
    expect(token).toMatch(/^[0-9a-f]{64}$/);
    calls.length = 0;
    const sameLength = `${token.slice(0, -1)}${token.endsWith('0') ? '1' : '0'}`;
    const results = [token, sameLength, token.slice(0, 5), `${token}${token}`, ''].map((given) =>
      tokensEqual(token, given),
    );
    expect(results).toEqual([true, false, false, false, false]);
    expect(calls).toHaveLength(5);
    for (const { a, b } of calls) expect([a, b]).toEqual([32, 32]);
  });

  it('authenticate compares each source (query, bearer, cookie) in constant time', () => {
    const token = newToken();
    const wrong = 'f'.repeat(64);
    calls.length = 0;
    const url = (q: string) => new URL(`http://127.0.0.1/x?token=${q}`);
    expect(authenticate(requestWith({}), url(token), token)).toBe('query');
    expect(authenticate(requestWith({ authorization: `Bearer ${token}` }), url(wrong), token)).toBe('header');
    expect(authenticate(requestWith({ cookie: `a=b; unet_studio_token=${token}` }), url(wrong), token)).toBe(
      'cookie',
    );
    expect(
      authenticate(
        requestWith({ authorization: `Bearer ${wrong}`, cookie: `unet_studio_token=${wrong}` }),
        url(wrong),
        token,
      ),
    ).toBeNull();
    // 1 + 2 + 2 (no bearer header) + 3 compares, every one of them constant-time.
    expect(calls).toHaveLength(8);
  });

  it('new tokens are 256-bit random, never repeated', () => {
    const tokens = new Set(Array.from({ length: 1000 }, () => newToken()));
    expect(tokens.size).toBe(1000);
  });
});
