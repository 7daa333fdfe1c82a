/**
 * A small binary framing for API calls over HTTP: a JSON header plus raw binary parts, so
 * that pixels and label images travel as bytes (never base64). Layout:
 *
 *   [u32 LE: header byte length][header: UTF-8 JSON][pad to 8][part 0][pad to 8][part 1]...
 *
 * In the JSON, every typed array is replaced by `{"__bin__": i}` and described in
 * `parts[i] = { type, byteLength }`. Parts start on 8-byte boundaries so the decoder can hand
 * out zero-copy views into the received buffer. Plain TS: runs in Node and in the browser.
 */

export const FRAME_CONTENT_TYPE = 'application/octet-stream';

type Binary = Uint8Array | Uint16Array | Int32Array | Uint32Array | Float32Array | Float64Array;

const CONSTRUCTORS = {
  Uint8Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
} as const;
type BinaryType = keyof typeof CONSTRUCTORS;

interface PartInfo {
  type: BinaryType;
  byteLength: number;
}

interface FrameHeader {
  parts: PartInfo[];
  body: unknown;
}

function binaryType(value: unknown): BinaryType | null {
  if (!ArrayBuffer.isView(value) || value instanceof DataView) return null;
  // Node's Buffer is a Uint8Array subclass: travels as Uint8Array.
  if (value instanceof Uint8Array) return 'Uint8Array';
  for (const name of Object.keys(CONSTRUCTORS) as BinaryType[]) {
    if (value instanceof CONSTRUCTORS[name]) return name;
  }
  return null;
}

const align8 = (n: number) => (n + 7) & ~7;

/**
 * Encodes any JSON-like value that may contain typed arrays as the chunks of one frame, in
 * order: the length-prefixed header (padded), then each part as a view of the caller's array
 * (no copy) followed by its padding. Write them out one after another (HTTP response).
 */
export function encodeFrameChunks(body: unknown): Uint8Array[] {
  const parts: Binary[] = [];
  const infos: PartInfo[] = [];
  // Walk the value ourselves rather than use a JSON replacer: Node's Buffer has a toJSON that
  // would run before any replacer sees it.
  const extract = (value: unknown): unknown => {
    const type = binaryType(value);
    if (type !== null) {
      const part = value as Binary;
      parts.push(part);
      infos.push({ type, byteLength: part.byteLength });
      return { __bin__: parts.length - 1 };
    }
    if (Array.isArray(value)) return value.map(extract);
    if (value === null || typeof value !== 'object') return value;
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) out[key] = extract(item);
    return out;
  };
  const frameHeader: FrameHeader = { parts: infos, body: extract(body) ?? null };
  const json = new TextEncoder().encode(JSON.stringify(frameHeader));
  const head = new Uint8Array(align8(4 + json.byteLength));
  new DataView(head.buffer).setUint32(0, json.byteLength, true);
  head.set(json, 4);
  const chunks: Uint8Array[] = [head];
  for (const part of parts) {
    chunks.push(new Uint8Array(part.buffer, part.byteOffset, part.byteLength));
    const padding = align8(part.byteLength) - part.byteLength;
    if (padding > 0) chunks.push(new Uint8Array(padding));
  }
  return chunks;
}

/** Encodes a value as one frame in a new buffer (see encodeFrameChunks). */
export function encodeFrame(body: unknown): Uint8Array {
  const chunks = encodeFrameChunks(body);
  const out = new Uint8Array(chunks.reduce((sum, chunk) => sum + chunk.byteLength, 0));
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}

/** Thrown for frames that are not well formed (the server answers 400 'schema'). */
export class FrameError extends Error {
  override readonly name = 'FrameError';
}

/**
 * Decodes a frame. Typed arrays are views into `bytes` where alignment allows (copies
 * otherwise); they stay valid as long as `bytes` is not reused.
 */
export function decodeFrame(bytes: Uint8Array): unknown {
  if (bytes.byteLength < 4) throw new FrameError('frame too short');
  const headerLength = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  if (4 + headerLength > bytes.byteLength) throw new FrameError('frame header runs past the end');
  let header: FrameHeader;
  try {
    header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + headerLength))) as FrameHeader;
  } catch {
    throw new FrameError('frame header is not JSON');
  }
  if (!header || !Array.isArray(header.parts)) throw new FrameError('frame header has no parts table');
  const views: Binary[] = [];
  let offset = align8(4 + headerLength);
  for (const info of header.parts) {
    const ctor = CONSTRUCTORS[info?.type];
    const byteLength = info?.byteLength;
    if (ctor === undefined || !Number.isInteger(byteLength) || byteLength < 0) {
      throw new FrameError('bad part description');
    }
    if (byteLength % ctor.BYTES_PER_ELEMENT !== 0 || offset + byteLength > bytes.byteLength) {
      throw new FrameError('part runs past the end of the frame');
    }
    const start = bytes.byteOffset + offset;
    const length = byteLength / ctor.BYTES_PER_ELEMENT;
    views.push(
      start % ctor.BYTES_PER_ELEMENT === 0
        ? new ctor(bytes.buffer as ArrayBuffer, start, length)
        : new ctor(bytes.slice(offset, offset + byteLength).buffer, 0, length),
    );
    offset = align8(offset + byteLength);
  }
  return revive(header.body, views);
}

function revive(value: unknown, views: Binary[]): unknown {
  if (Array.isArray(value)) return value.map((item) => revive(item, views));
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  if (keys.length === 1 && keys[0] === '__bin__') {
    const view = views[record.__bin__ as number];
    if (view === undefined) throw new FrameError('reference to a missing part');
    return view;
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[key] = revive(record[key], views);
  return out;
}
