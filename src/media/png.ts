/** @module PNG (8-bit RGB) encoding and inspection with node:zlib, so image answers are real, decodable images. */
import { constants as zlibConstants, deflateSync, inflateSync } from 'node:zlib';

const SIGNATURE = Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a);

const CRC_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    table[n] = c >>> 0;
  }
  return table;
})();

/** CRC-32 (ISO 3309, as PNG chunks use it) of `bytes[start, end)`. */
export function crc32(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = CRC_TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type: string, data: Uint8Array): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  out.set(data, 8);
  out.writeUInt32BE(crc32(out, 4, 8 + data.length), 8 + data.length);
  return out;
}

/**
 * Encodes packed RGB pixels (`width * height * 3` bytes, row-major) as a PNG.
 * Every row uses the Sub filter: smooth images become runs of small equal deltas, which deflate's run-length
 * strategy (Z_RLE) compresses 3–5 times faster than its default matching, into 2–3 times the bytes (a 2048² answer
 * ~0.5 MB): large answers (1024², 2048²) stay cheap to make on the thread that also runs the suites.
 */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad PNG size ${width}x${height}`);
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  const stride = width * 3;
  const raw = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const src = y * stride;
    const dst = y * (stride + 1);
    raw[dst] = 1; // filter: Sub
    raw.set(rgb.subarray(src, src + 3), dst + 1);
    for (let i = 3; i < stride; i++) raw[dst + 1 + i] = (rgb[src + i]! - rgb[src + i - 3]!) & 0xff;
  }
  return encodeSubFilteredPng(raw, width, height);
}

/**
 * Encodes rows already filtered as encodePng filters them (each row: the Sub filter type byte, then every byte minus
 * the byte 3 before it in the row, mod 256): for a painter that writes filtered rows directly, without the RGB copy.
 */
export function encodeSubFilteredPng(raw: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad PNG size ${width}x${height}`);
  if (raw.length !== (width * 3 + 1) * height) throw new RangeError(`expected ${(width * 3 + 1) * height} filtered bytes, got ${raw.length}`);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  // compression, filter and interlace methods: 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw, { level: 6, strategy: zlibConstants.Z_RLE })), chunk('IEND', new Uint8Array(0))]);
}

/** Width and height from a PNG's IHDR, or undefined when the bytes are not a PNG. */
export function pngSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 24 || !SIGNATURE.every((b, i) => bytes[i] === b)) return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (String.fromCharCode(bytes[12]!, bytes[13]!, bytes[14]!, bytes[15]!) !== 'IHDR') return undefined;
  return { width: view.getUint32(16), height: view.getUint32(20) };
}

/**
 * True when `inspectPng` reads everything a decoder would refuse in this PNG (8-bit, non-interlaced
 * greyscale or truecolour, with or without alpha): what remains, unfiltering rows, is arithmetic that
 * cannot fail. Other PNGs (palette, 16-bit, interlaced) need a decoder for that.
 */
export function isFullyInspected(info: Pick<PngInfo, 'bitDepth' | 'colorType'>, bytes: Uint8Array): boolean {
  return info.bitDepth === 8 && [0, 2, 4, 6].includes(info.colorType) && bytes[28] === 0;
}

/** What `inspectPng` found. */
export interface PngInfo {
  width: number;
  height: number;
  bitDepth: number;
  colorType: number;
  chunks: string[];
}

/** Largest pixel data `inspectPng` inflates: 256 MiB (a 8,192 × 8,192 RGBA image). */
const MAX_INSPECTED_PIXEL_BYTES = 256 * 1024 * 1024;

/**
 * Walks a PNG fully: signature, every chunk's CRC, IHDR first and IEND last, and (for 8-bit,
 * non-interlaced truecolour/greyscale images: {@link isFullyInspected}) that the inflated IDAT holds
 * exactly one filtered row per line, each with a defined filter type. Throws an Error naming the first defect; used to judge image answers without a decoder.
 */
export function inspectPng(bytes: Uint8Array): PngInfo {
  if (!pngSize(bytes)) throw new Error('not a PNG (bad signature or no IHDR first)');
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const chunks: string[] = [];
  const idat: Uint8Array[] = [];
  let offset = 8;
  while (offset < bytes.length) {
    if (offset + 12 > bytes.length) throw new Error(`truncated chunk at byte ${offset}`);
    const length = view.getUint32(offset);
    const type = String.fromCharCode(...bytes.subarray(offset + 4, offset + 8));
    const end = offset + 8 + length;
    if (end + 4 > bytes.length) throw new Error(`chunk ${type} runs past the end`);
    if (crc32(bytes, offset + 4, end) !== view.getUint32(end)) throw new Error(`bad CRC in chunk ${type}`);
    chunks.push(type);
    if (type === 'IDAT') idat.push(bytes.subarray(offset + 8, end));
    offset = end + 4;
    if (type === 'IEND') break;
  }
  if (chunks.at(-1) !== 'IEND') throw new Error('no IEND chunk');
  if (idat.length === 0) throw new Error('no IDAT chunk');
  const width = view.getUint32(16);
  const height = view.getUint32(20);
  const bitDepth = bytes[24]!;
  const colorType = bytes[25]!;
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (bitDepth === 8 && channels !== undefined && bytes[28] === 0) {
    const expected = (width * channels + 1) * height;
    // Inflate no more than the header promises (a small IDAT can inflate to gigabytes): past it, one byte shows the excess.
    if (expected > MAX_INSPECTED_PIXEL_BYTES) throw new Error(`image of ${width}×${height} is too large to inspect (over ${MAX_INSPECTED_PIXEL_BYTES} bytes of pixels)`);
    let raw: Buffer;
    try {
      raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1 });
    } catch (error) {
      if (error instanceof RangeError) throw new Error(`image data inflates past the ${expected} bytes its header declares`);
      throw error;
    }
    if (raw.length !== expected) throw new Error(`image data is ${raw.length} bytes, expected ${expected}`);
    const stride = width * channels + 1;
    for (let row = 0; row < height; row++) if (raw[row * stride]! > 4) throw new Error(`row ${row} has filter type ${raw[row * stride]} (0 to 4)`);
  }
  return { width, height, bitDepth, colorType, chunks };
}
