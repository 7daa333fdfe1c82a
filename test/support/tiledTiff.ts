import { type PixelSize, type RasterImage, TiledRowWriter, TiledTiffWriter } from '../../src/engine/index';

/**
 * Writes a one-channel image as a tiled, deflated BigTIFF with `tileSize` tiles (the layout big
 * slides come in), through the streaming writer, for tests of region-wise readers.
 */
export async function writeTiledTiff(
  path: string,
  img: RasterImage,
  tileSize: number,
  pixelSize?: PixelSize,
): Promise<void> {
  const writer = await TiledTiffWriter.create(path, {
    width: img.width,
    height: img.height,
    channels: 1,
    bitDepth: img.bitDepth,
    tileSize,
    pixelSize,
  });
  const rows = new TiledRowWriter(writer);
  await rows.writeRows(img.data, img.height);
  await rows.close();
}
