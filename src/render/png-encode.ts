// A minimal PNG writer for indexed-colour images (one palette byte per pixel): heatmaps have few distinct
// colours, so this is three times less data than RGB, and zlib does the compression in C.
import { deflateSync } from "node:zlib";
import type { Rgb } from "./color.js";

const SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

function crc32(bytes: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < bytes.length; i++) c = CRC_TABLE[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, "latin1");
  out.set(data, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}

/**
 * Encodes a `width`×`height` image whose pixel (x, y) has colour `palette[pixels[y * width + x]]`
 * (at most 256 colours) as a PNG file.
 */
export function encodeIndexedPng(
  width: number,
  height: number,
  palette: readonly Rgb[],
  pixels: Uint8Array,
): Buffer {
  if (palette.length === 0 || palette.length > 256) {
    throw new RangeError(`encodeIndexedPng: a palette holds 1 to 256 colours, not ${palette.length}`);
  }
  if (pixels.length !== width * height) {
    throw new RangeError(
      `encodeIndexedPng: a ${width}×${height} image needs ${width * height} pixels, got ${pixels.length}`,
    );
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(width, 0);
  header.writeUInt32BE(height, 4);
  header.set([8, 3, 0, 0, 0], 8); // 8 bits per index, indexed colour, deflate, no filter choice, no interlace
  const colours = new Uint8Array(palette.length * 3);
  palette.forEach((rgb, i) => colours.set(rgb, i * 3));
  // Each scanline starts with its filter type (0, none): repeated rows then compress to almost nothing.
  const raw = new Uint8Array(height * (width + 1));
  for (let y = 0; y < height; y++) raw.set(pixels.subarray(y * width, (y + 1) * width), y * (width + 1) + 1);
  return Buffer.concat([
    SIGNATURE,
    chunk("IHDR", header),
    chunk("PLTE", colours),
    chunk("IDAT", deflateSync(raw, { level: 6 })),
    chunk("IEND", new Uint8Array(0)),
  ]);
}
