import type { IncomingMessage } from 'node:http';
import { describe, expect, it, vi } from 'vitest';

// Records every call of crypto.timingSafeEqual and crypto.randomBytes while keeping the real
// implementations.
const calls = vi.hoisted(() => [] as { a: number; b: number }[]);
const drawn = vi.hoisted(() => [] as Buffer[]);
vi.mock('node:crypto', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:crypto')>();
  return {
    ...real,
    timingSafeEqual: (a: NodeJS.ArrayBufferView, b: NodeJS.ArrayBufferView) => {
      calls.push({ a: a.byteLength, b: b.byteLength });
      return real.timingSafeEqual(a, b);
    },
    randomBytes: (size: number) => {
      const bytes = real.randomBytes(size);
      drawn.push(bytes);
      return bytes;
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

  it('a new token is the hex of 32 bytes from the system CSPRNG', () => {
    drawn.length = 0;
    const token = newToken();
    expect(drawn).toHaveLength(1);
    expect(drawn[0].length).toBe(32);
    expect(token).toBe(drawn[0].toString('hex'));
  });

  it('1000 new tokens look uniformly random bit by bit (a counter, a clock or a weak PRNG would not)', () => {
    const tokens = Array.from({ length: 1000 }, () => Buffer.from(newToken(), 'hex'));
    expect(new Set(tokens.map((t) => t.toString('hex'))).size).toBe(1000);
    // Each of the 256 bits is set in Binomial(1000, 1/2) tokens: mean 500, sd 15.8. A band of
    // +-100 (6.3 sd) fails a fair source with probability < 1e-7 over all 256 bits, and fails
    // any token with fixed, slowly changing or mostly-zero bits.
    const ones = new Array<number>(256).fill(0);
    for (const token of tokens) {
      for (let bit = 0; bit < 256; bit++) ones[bit] += (token[bit >> 3] >> (bit & 7)) & 1;
    }
    expect(Math.min(...ones)).toBeGreaterThan(400);
    expect(Math.max(...ones)).toBeLessThan(600);
    // Successive tokens differ in about half their bits (mean 128, sd 8): not a counter.
    let close = 0;
    for (let k = 1; k < tokens.length; k++) {
      let differing = 0;
      for (let i = 0; i < 32; i++) {
        let x = tokens[k][i] ^ tokens[k - 1][i];
        for (; x; x &= x - 1) differing++;
      }
      if (differing < 80) close++;
    }
    expect(close).toBe(0);
  });
});
