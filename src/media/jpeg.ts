/** @module Baseline JPEG encoding of block images (one colour per 8×8 block) and a header reader. */

/*
 * Why DC-only: a full JPEG encoder (DCT, AC run-length coding, the 162-symbol AC tables) is a lot of
 * code for fake images. Encoding every 8×8 block as a flat colour needs only the DC coefficient:
 * each block is "DC difference, then end-of-block". The result is a standard baseline JFIF file
 * (SOF0, YCbCr 4:4:4, Huffman coded) that every decoder reads, at any width and height.
 */

/** ITU T.81 Annex K.3 luminance DC table: code lengths per bit length 1..16, then the symbols (categories 0..11). */
const DC_BITS = [0, 1, 5, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0];
const DC_VALUES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11];
/** An AC table with the one symbol flat blocks need, end-of-block (0x00), coded as the single bit 0. */
const AC_BITS = [1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
const AC_VALUES = [0];
/** Quantiser 8 for DC makes the quantised DC equal to the block's level-shifted sample value. */
const DC_QUANT = 8;

interface Code {
  code: number;
  length: number;
}

/** Canonical Huffman codes (T.81 Annex C) from the table's length counts and symbols. */
function huffmanCodes(bits: readonly number[], values: readonly number[]): Code[] {
  const codes: Code[] = [];
  let code = 0;
  let k = 0;
  for (let length = 1; length <= 16; length++) {
    for (let i = 0; i < bits[length - 1]!; i++) codes[values[k++]!] = { code: code++, length };
    code <<= 1;
  }
  return codes;
}

const DC_CODES = huffmanCodes(DC_BITS, DC_VALUES);
const EOB = huffmanCodes(AC_BITS, AC_VALUES)[0]!;

/** Writes bits MSB first, stuffing a 0x00 after every 0xFF byte as entropy-coded segments require. */
class BitWriter {
  private out: Uint8Array;
  private size = 0;
  private acc = 0;
  private count = 0;

  constructor(capacity: number) {
    this.out = new Uint8Array(Math.max(64, capacity));
  }

  write(value: number, length: number): void {
    for (let i = length - 1; i >= 0; i--) {
      this.acc = (this.acc << 1) | ((value >>> i) & 1);
      if (++this.count === 8) this.emit();
    }
  }

  private emit(): void {
    if (this.size + 2 > this.out.length) {
      const bigger = new Uint8Array(this.out.length * 2);
      bigger.set(this.out);
      this.out = bigger;
    }
    this.out[this.size++] = this.acc;
    if (this.acc === 0xff) this.out[this.size++] = 0;
    this.acc = 0;
    this.count = 0;
  }

  /** Pads the last byte with 1 bits (T.81 F.1.2.3) and returns the bytes. */
  finish(): Uint8Array {
    if (this.count > 0) this.write((1 << (8 - this.count)) - 1, 8 - this.count);
    return this.out.subarray(0, this.size);
  }
}

function segment(marker: number, body: readonly number[]): number[] {
  const length = body.length + 2;
  return [0xff, marker, length >> 8, length & 0xff, ...body];
}

/**
 * Encodes a block image as a baseline JPEG of `width`×`height` pixels. `blocks` holds one RGB triple per
 * 8×8 block, row-major, `ceil(width/8) * ceil(height/8) * 3` bytes (edge blocks are cropped by decoders).
 */
export function encodeJpeg(width: number, height: number, blocks: Uint8Array): Uint8Array {
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || width > 65535 || height > 65535) {
    throw new RangeError(`bad JPEG size ${width}x${height}`);
  }
  const blocksWide = Math.ceil(width / 8);
  const blocksHigh = Math.ceil(height / 8);
  if (blocks.length !== blocksWide * blocksHigh * 3) throw new RangeError(`expected ${blocksWide * blocksHigh * 3} block bytes, got ${blocks.length}`);

  const writer = new BitWriter(blocksWide * blocksHigh * 3);
  const previous = [0, 0, 0];
  const dc = [0, 0, 0];
  for (let b = 0; b < blocksWide * blocksHigh; b++) {
    const r = blocks[b * 3]!;
    const g = blocks[b * 3 + 1]!;
    const bl = blocks[b * 3 + 2]!;
    // JFIF YCbCr, level-shifted by 128; with the DC quantiser of 8 this is the quantised DC itself.
    dc[0] = Math.round(0.299 * r + 0.587 * g + 0.114 * bl) - 128;
    dc[1] = Math.round(-0.168736 * r - 0.331264 * g + 0.5 * bl);
    dc[2] = Math.round(0.5 * r - 0.418688 * g - 0.081312 * bl);
    for (let c = 0; c < 3; c++) {
      const diff = dc[c]! - previous[c]!;
      previous[c] = dc[c]!;
      const magnitude = Math.abs(diff);
      const category = magnitude === 0 ? 0 : 32 - Math.clz32(magnitude);
      const code = DC_CODES[category]!;
      writer.write(code.code, code.length);
      if (category > 0) writer.write(diff < 0 ? diff + (1 << category) - 1 : diff, category);
      writer.write(EOB.code, EOB.length);
    }
  }
  const scan = writer.finish();

  const quant = new Array<number>(64).fill(16);
  quant[0] = DC_QUANT;
  const header = [
    0xff, 0xd8,
    ...segment(0xe0, [0x4a, 0x46, 0x49, 0x46, 0x00, 1, 1, 0, 0, 1, 0, 1, 0, 0]), // APP0 JFIF 1.1, aspect 1:1
    ...segment(0xdb, [0x00, ...quant]), // DQT table 0
    ...segment(0xc0, [8, height >> 8, height & 0xff, width >> 8, width & 0xff, 3, 1, 0x11, 0, 2, 0x11, 0, 3, 0x11, 0]), // SOF0
    ...segment(0xc4, [0x00, ...DC_BITS, ...DC_VALUES, 0x10, ...AC_BITS, ...AC_VALUES]), // DHT: DC 0, AC 0
    ...segment(0xda, [3, 1, 0x00, 2, 0x00, 3, 0x00, 0, 63, 0]), // SOS: all components use tables 0
  ];
  const out = new Uint8Array(header.length + scan.length + 2);
  out.set(header, 0);
  out.set(scan, header.length);
  out[out.length - 2] = 0xff;
  out[out.length - 1] = 0xd9; // EOI
  return out;
}

/** SOFn markers (baseline, extended, progressive, lossless; not DHT C4, JPG C8 or DAC CC). */
const isStartOfFrame = (marker: number): boolean => marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;

/** Width and height from a JPEG's start-of-frame segment, or undefined when the bytes are not a JPEG. */
export function jpegSize(bytes: Uint8Array): { width: number; height: number } | undefined {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) return undefined;
  let offset = 2;
  while (offset + 4 <= bytes.length) {
    if (bytes[offset] !== 0xff) return undefined;
    const marker = bytes[offset + 1]!;
    if (marker === 0xff) {
      offset++; // fill byte
      continue;
    }
    if (marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      offset += 2;
      continue;
    }
    const length = (bytes[offset + 2]! << 8) | bytes[offset + 3]!;
    if (isStartOfFrame(marker)) {
      if (offset + 9 > bytes.length) return undefined;
      return { height: (bytes[offset + 5]! << 8) | bytes[offset + 6]!, width: (bytes[offset + 7]! << 8) | bytes[offset + 8]! };
    }
    if (marker === 0xda || marker === 0xd9) return undefined; // scan or end before any frame header
    offset += 2 + length;
  }
  return undefined;
}
