/** @module PNG (8-bit RGB) encoding and inspection with node:zlib, so image answers are real, decodable images. */
import { constants as zlibConstants, deflateRawSync, inflateSync } from 'node:zlib';

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
 * Writes row `y` of the image filtered as PNG rows are here, at `out[at]`: the Sub filter type byte (1), then every
 * byte of the row's RGB minus the byte 3 before it in the row, mod 256 (`width * 3 + 1` bytes).
 */
export type FilteredRowWriter = (out: Uint8Array, at: number, y: number) => void;

/** Bytes of filtered rows deflated at a time: under glibc's initial mmap threshold (128 KiB), see encodeFilteredRows. */
const BAND_BYTES = 96 * 1024;
const DEFLATE_OPTIONS = { level: 6, strategy: zlibConstants.Z_RLE };
/** zlib's stream header for deflate with a 32 KiB window at the default level (CMF 0x78, FLG 0x9c). */
const ZLIB_HEADER = Uint8Array.of(0x78, 0x9c);

/** Bytes summed between reductions mod 65521: the most after which Adler-32's sums still fit in an int32 (2^31 > 65520 × 3801 + 255 × 3800 × 3801 / 2). */
const ADLER_RUN = 3800;

/**
 * Adler-32's two sums (a, b) carried over `bytes`. In int32 arithmetic, eight bytes a step: a 2048² answer's 12.6 MB of
 * rows in ~6 ms, half the time of the plain loop in doubles (deflateRaw, used so that bands can be deflated alone, does
 * not compute it).
 */
function adler32Update(a: number, b: number, bytes: Uint8Array): [number, number] {
  const n = bytes.length;
  let i = 0;
  while (i < n) {
    const end = Math.min(n, i + ADLER_RUN);
    for (; i + 8 <= end; i += 8) {
      a = (a + bytes[i]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 1]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 2]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 3]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 4]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 5]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 6]!) | 0;
      b = (b + a) | 0;
      a = (a + bytes[i + 7]!) | 0;
      b = (b + a) | 0;
    }
    for (; i < end; i++) {
      a = (a + bytes[i]!) | 0;
      b = (b + a) | 0;
    }
    a %= 65521;
    b %= 65521;
  }
  return [a, b];
}

/**
 * Encodes an 8-bit RGB PNG whose filtered rows `writeRow` writes, a band of rows at a time.
 * Every row uses the Sub filter: smooth images become runs of small equal deltas, which deflate's run-length
 * strategy (Z_RLE) compresses 3–5 times faster than its default matching, into 2–3 times the bytes (a 2048² answer
 * ~0.5 MB): large answers (1024², 2048²) stay cheap to make on the thread that also runs the suites.
 *
 * The rows never exist whole: each band (at most BAND_BYTES, at least one row) is deflated on its own up to a sync
 * flush (the last one to the end of the stream), and the pieces, between a zlib header and the Adler-32 of every row,
 * make one zlib stream (Z_RLE looks back one byte, so a band loses nothing by not seeing the previous one). A 2048²
 * answer used to allocate its 12.6 MB of rows in one piece, and freeing it raised glibc's mmap threshold to that size
 * for the rest of the process: from then on such blocks came from the malloc heap and stayed resident after being freed
 * (bench/README.md, "Where the memory goes").
 */
export function encodeFilteredRows(width: number, height: number, writeRow: FilteredRowWriter): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad PNG size ${width}x${height}`);
  const stride = width * 3 + 1;
  const rowsPerBand = Math.max(1, Math.floor(BAND_BYTES / stride));
  const band = new Uint8Array(Math.min(height, rowsPerBand) * stride);
  const pieces: Uint8Array[] = [ZLIB_HEADER];
  let a = 1;
  let b = 0;
  for (let y0 = 0; y0 < height; y0 += rowsPerBand) {
    const rows = Math.min(rowsPerBand, height - y0);
    for (let r = 0; r < rows; r++) writeRow(band, r * stride, y0 + r);
    const filled = band.subarray(0, rows * stride);
    [a, b] = adler32Update(a, b, filled);
    const last = y0 + rows >= height;
    pieces.push(deflateRawSync(filled, last ? DEFLATE_OPTIONS : { ...DEFLATE_OPTIONS, finishFlush: zlibConstants.Z_SYNC_FLUSH }));
  }
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE(((b << 16) | a) >>> 0, 0);
  pieces.push(adler);
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(width, 0);
  ihdr.writeUInt32BE(height, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 2; // colour type: truecolour
  // compression, filter and interlace methods: 0
  return Buffer.concat([SIGNATURE, chunk('IHDR', ihdr), chunk('IDAT', Buffer.concat(pieces)), chunk('IEND', new Uint8Array(0))]);
}

/** Encodes packed RGB pixels (`width * height * 3` bytes, row-major) as a PNG (see encodeFilteredRows). */
export function encodePng(rgb: Uint8Array, width: number, height: number): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) throw new RangeError(`bad PNG size ${width}x${height}`);
  if (rgb.length !== width * height * 3) throw new RangeError(`expected ${width * height * 3} RGB bytes, got ${rgb.length}`);
  const stride = width * 3;
  return encodeFilteredRows(width, height, (out, at, y) => {
    const src = y * stride;
    out[at] = 1; // filter: Sub
    out.set(rgb.subarray(src, src + 3), at + 1);
    for (let i = 3; i < stride; i++) out[at + 1 + i] = (rgb[src + i]! - rgb[src + i - 3]!) & 0xff;
  });
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

/**
 * Pixel data from this size on is inflated into one block of at least ONE_BLOCK_BYTES, more than glibc's largest dynamic
 * mmap threshold (32 MiB on 64-bit): freeing it unmaps it and leaves the threshold alone. Inflated in zlib's default 16
 * KiB pieces, then joined, a 2048² answer's 12.6 MB of rows cost two copies of them, and freeing the joined block raised
 * the threshold to its size for the rest of the process: from then on such blocks came from the malloc heap and stayed
 * resident once freed (bench/README.md, "Where the memory goes"). Only the pages written become resident.
 */
const ONE_BLOCK_FROM = 1024 * 1024;
const ONE_BLOCK_BYTES = 33 * 1024 * 1024;

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
      raw = inflateSync(Buffer.concat(idat), { maxOutputLength: expected + 1, ...(expected >= ONE_BLOCK_FROM ? { chunkSize: Math.max(expected + 1, ONE_BLOCK_BYTES) } : {}) });
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
