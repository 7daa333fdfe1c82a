import { describe, expect, it } from 'vitest';
import { decodeFrame, encodeFrame, encodeFrameChunks, FrameError } from '../../src/shared/apiCodec';

describe('apiCodec frames', () => {
  it('round-trips nested typed arrays as binary parts with exact values', () => {
    const classes = Uint8Array.from([0, 1, 2, 255]);
    const instances = Uint16Array.from([0, 1, 65535, 300]);
    const floats = Float32Array.from([0.5, -1.25]);
    const frame = encodeFrame({ ok: true, value: { a: [classes, { b: instances }], floats, n: 3, s: 'x' } });
    const out = decodeFrame(frame) as {
      ok: boolean;
      value: { a: [Uint8Array, { b: Uint16Array }]; floats: Float32Array; n: number; s: string };
    };
    expect(out.ok).toBe(true);
    expect(out.value.a[0]).toBeInstanceOf(Uint8Array);
    expect([...out.value.a[0]]).toEqual([0, 1, 2, 255]);
    expect(out.value.a[1].b).toBeInstanceOf(Uint16Array);
    expect([...out.value.a[1].b]).toEqual([0, 1, 65535, 300]);
    expect([...out.value.floats]).toEqual([0.5, -1.25]);
    expect(out.value.n).toBe(3);
    expect(out.value.s).toBe('x');
  });

  it('lays parts out as raw bytes after the header (not base64 JSON)', () => {
    const data = Uint16Array.from([0x0102, 0x0304]);
    const frame = encodeFrame([data]);
    const headerLength = new DataView(frame.buffer).getUint32(0, true);
    const header = JSON.parse(new TextDecoder().decode(frame.subarray(4, 4 + headerLength)));
    expect(header).toEqual({ parts: [{ type: 'Uint16Array', byteLength: 4 }], body: [{ __bin__: 0 }] });
    const start = Math.ceil((4 + headerLength) / 8) * 8;
    // little-endian 16-bit samples, byte for byte
    expect([...frame.subarray(start, start + 4)]).toEqual([0x02, 0x01, 0x04, 0x03]);
    expect(frame.byteLength).toBe(start + 8);
  });

  it('sends a Uint8Array subclass with toJSON (like Node Buffer) as bytes, not as its JSON form', () => {
    class BufferLike extends Uint8Array {
      toJSON() {
        return { type: 'Buffer', data: [...this] };
      }
    }
    const out = decodeFrame(encodeFrame([BufferLike.from([7, 8, 9])])) as [Uint8Array];
    expect([...out[0]]).toEqual([7, 8, 9]);
  });

  it('decodes from an unaligned buffer by copying', () => {
    const frame = encodeFrame([Uint16Array.from([1, 2, 3])]);
    const shifted = new Uint8Array(frame.byteLength + 1);
    shifted.set(frame, 1);
    const out = decodeFrame(shifted.subarray(1)) as [Uint16Array];
    expect([...out[0]]).toEqual([1, 2, 3]);
  });

  it('rejects truncated and malformed frames', () => {
    const frame = encodeFrame([new Uint8Array(100)]);
    expect(() => decodeFrame(frame.subarray(0, 50))).toThrow(FrameError);
    expect(() => decodeFrame(new Uint8Array([1, 2]))).toThrow(FrameError);
    const bad = new Uint8Array(12);
    new DataView(bad.buffer).setUint32(0, 4, true);
    bad.set(new TextEncoder().encode('{{{{'), 4);
    expect(() => decodeFrame(bad)).toThrow(FrameError);
    const huge = new Uint8Array(8);
    new DataView(huge.buffer).setUint32(0, 1_000_000, true);
    expect(() => decodeFrame(huge)).toThrow(FrameError);
  });

  it('streams parts as views of the caller arrays (no copy) that concatenate to the same frame', () => {
    const pixels = Uint16Array.from([1, 2, 3]);
    const chunks = encodeFrameChunks({ data: pixels });
    expect(chunks[1].buffer).toBe(pixels.buffer);
    const joined = Buffer.concat(chunks);
    expect(joined.equals(Buffer.from(encodeFrame({ data: pixels })))).toBe(true);
    expect(joined.byteLength % 8).toBe(0);
  });
});
