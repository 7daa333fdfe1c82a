import type { PixelData } from '../rasterImage';

export type Downsample = 'nearest' | 'mean';

/**
 * Builds the next pyramid level from tiles of the level above, in bands of one tile row:
 * level L's tiles (tx, 2b) and (tx, 2b + 1), each halved, fill band b of level L + 1. A band
 * holds one tile row of its level and is emitted (cut into tiles) as soon as every tile that
 * covers it arrived, so memory stays at about two tile rows per level when tiles come row by
 * row (any order works; out-of-order tiles only keep more bands open).
 */
export class PyramidBands {
  private readonly bands = new Map<number, { data: PixelData; received: number }>();
  private readonly bandWidth: number;

  constructor(
    /** Tiles per row and column of the level the tiles come from. */
    private readonly tilesX: number,
    private readonly tilesY: number,
    private readonly tileSize: number,
    private readonly channels: number,
    private readonly makeArray: (length: number) => PixelData,
    private readonly downsample: Downsample,
    /** Receives each finished tile of the next level (tileSize^2 x channels, HWC). */
    private readonly emit: (tx: number, ty: number, tile: PixelData) => Promise<void>,
  ) {
    this.bandWidth = Math.ceil(tilesX / 2) * tileSize;
  }

  /** Adds one full tile (tileSize^2 x channels) of the level above at (tx, ty). */
  async add(tx: number, ty: number, tile: PixelData): Promise<void> {
    const T = this.tileSize;
    const half = T / 2;
    const C = this.channels;
    const index = Math.floor(ty / 2);
    let band = this.bands.get(index);
    if (!band) {
      band = { data: this.makeArray(this.bandWidth * T * C), received: 0 };
      this.bands.set(index, band);
    }
    const x0 = tx * half;
    const y0 = (ty % 2) * half;
    const mean = this.downsample === 'mean';
    for (let y = 0; y < half; y++) {
      const row = ((y0 + y) * this.bandWidth + x0) * C;
      for (let x = 0; x < half; x++) {
        const source = (2 * y * T + 2 * x) * C;
        for (let c = 0; c < C; c++) {
          band.data[row + x * C + c] = mean
            ? (tile[source + c] +
                tile[source + C + c] +
                tile[source + T * C + c] +
                tile[source + T * C + C + c]) /
              4
            : tile[source + c];
        }
      }
    }
    band.received++;
    const rowsInBand = Math.min(2, this.tilesY - index * 2);
    if (band.received < this.tilesX * rowsInBand) return;
    this.bands.delete(index);
    const tilesOut = Math.ceil(this.tilesX / 2);
    for (let bx = 0; bx < tilesOut; bx++) {
      const out = this.makeArray(T * T * C);
      for (let y = 0; y < T; y++) {
        const from = (y * this.bandWidth + bx * T) * C;
        out.set(band.data.subarray(from, from + T * C), y * T * C);
      }
      await this.emit(bx, index, out);
    }
  }

  /** Bands still waiting for tiles (0 once every tile of the level above was added). */
  get pending(): number {
    return this.bands.size;
  }
}
