import { inflateSync } from 'node:zlib';

type GeoTiffModule = typeof import('geotiff');

let registered = false;

/**
 * Makes geotiff decode Deflate tiles (Compression 8 and 32946) with Node's zlib instead of its
 * JavaScript inflate: about ten times faster on 512x512 tiles, which dominates region reads.
 * geotiff keeps its decoders in a module registry, so this is done once per process.
 */
export function registerNodeInflate(geotiff: GeoTiffModule): void {
  if (registered) return;
  registered = true;
  class NodeInflate extends geotiff.BaseDecoder {
    override decodeBlock(buffer: ArrayBufferLike): ArrayBufferLike {
      const out = inflateSync(new Uint8Array(buffer));
      return out.buffer.slice(out.byteOffset, out.byteOffset + out.byteLength);
    }
  }
  geotiff.addDecoder([8, 32946], async () => NodeInflate, undefined, false);
}
