import { AppError } from '../../../shared/errors';
import type { PixelData } from '../rasterImage';
import type { TiledTiffWriter } from './TiledTiffWriter';

/**
 * Feeds a TiledTiffWriter with image rows from top to bottom, any number of rows at a time
 * (overlap-tile prediction produces bands of its output tile height, which rarely matches the
 * TIFF tile). Holds one row of TIFF tiles: tileSize x width x channels samples.
 */
export class TiledRowWriter {
  private band: PixelData;
  private filled = 0;
  private tileRow = 0;
  private rows = 0;

  constructor(private readonly writer: TiledTiffWriter) {
    const { width } = writer.levels[0];
    const Ctor = sampleArray(writer);
    this.band = new Ctor(writer.tileSize * width * writer.channels);
  }

  /** Rows written so far. */
  get rowsWritten(): number {
    return this.rows;
  }

  /** Appends `rows` full-width rows (HWC samples). */
  async writeRows(data: PixelData, rows: number): Promise<void> {
    const { width, height } = this.writer.levels[0];
    const rowLength = width * this.writer.channels;
    if (data.length !== rows * rowLength) {
      throw new AppError(
        'size_mismatch',
        `${this.writer.path}: ${data.length} samples for ${rows} rows of ${width}`,
      );
    }
    if (this.rowsWritten + rows > height) {
      throw new AppError('invalid_argument', `${this.writer.path}: more than ${height} rows written`);
    }
    const T = this.writer.tileSize;
    let done = 0;
    while (done < rows) {
      const take = Math.min(rows - done, T - this.filled);
      this.band.set(data.subarray(done * rowLength, (done + take) * rowLength), this.filled * rowLength);
      this.filled += take;
      this.rows += take;
      done += take;
      if (this.filled === T || this.rowsWritten === height) await this.flush();
    }
  }

  /** Writes what is left and closes the file (see TiledTiffWriter.close). */
  async close(): Promise<void> {
    if (this.filled > 0) await this.flush();
    await this.writer.close();
  }

  private async flush(): Promise<void> {
    const T = this.writer.tileSize;
    const C = this.writer.channels;
    const { width } = this.writer.levels[0];
    const h = this.filled;
    for (let tx = 0; tx < this.writer.tilesX; tx++) {
      const w = Math.min(T, width - tx * T);
      const tile = new (sampleArray(this.writer))(w * h * C);
      for (let y = 0; y < h; y++) {
        const from = (y * width + tx * T) * C;
        tile.set(this.band.subarray(from, from + w * C), y * w * C);
      }
      await this.writer.writeTile(tx, this.tileRow, tile);
    }
    this.band.fill(0);
    this.filled = 0;
    this.tileRow++;
  }
}

function sampleArray(writer: TiledTiffWriter): new (length: number) => PixelData {
  return writer.bitDepth === 8 ? Uint8Array : writer.bitDepth === 16 ? Uint16Array : Float32Array;
}
