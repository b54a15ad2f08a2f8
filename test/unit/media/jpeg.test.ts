/** @module JPEG encoder: baseline files whose header and Huffman-coded scan decode to the given block colours. */
import { describe, expect, it } from 'vitest';
import { encodeJpeg, jpegSize } from '../../../src/media/jpeg.js';

interface Table {
  lookup: Map<string, number>;
}

/**
 * A minimal baseline decoder for the coefficient layer (no IDCT): parses DQT/SOF0/DHT/SOS, then decodes
 * every block's DC difference and AC run/size symbols, checking the scan is exactly consumed.
 * Returns the dequantised DC of each component per block.
 */
function decodeDc(jpeg: Uint8Array): { width: number; height: number; dc: number[][] } {
  let offset = 2;
  const tables = new Map<number, Table>();
  const quant = new Map<number, number>();
  let width = 0;
  let height = 0;
  let components: { id: number; tq: number; td: number; ta: number }[] = [];
  for (;;) {
    expect(jpeg[offset]).toBe(0xff);
    const marker = jpeg[offset + 1]!;
    const length = (jpeg[offset + 2]! << 8) | jpeg[offset + 3]!;
    const body = jpeg.subarray(offset + 4, offset + 2 + length);
    if (marker === 0xdb) quant.set(body[0]! & 15, body[1]!);
    if (marker === 0xc0) {
      height = (body[1]! << 8) | body[2]!;
      width = (body[3]! << 8) | body[4]!;
      components = Array.from({ length: body[5]! }, (_, i) => ({ id: body[6 + i * 3]!, tq: body[8 + i * 3]!, td: 0, ta: 0 }));
    }
    if (marker === 0xc4) {
      for (let p = 0; p < body.length; ) {
        const id = body[p]!;
        const counts = Array.from(body.subarray(p + 1, p + 17));
        const symbols = body.subarray(p + 17, p + 17 + counts.reduce((a, b) => a + b, 0));
        const lookup = new Map<string, number>();
        let code = 0;
        let k = 0;
        counts.forEach((n, i) => {
          for (let j = 0; j < n; j++) lookup.set((code++).toString(2).padStart(i + 1, '0'), symbols[k++]!);
          code <<= 1;
        });
        tables.set(id, { lookup });
        p += 17 + symbols.length;
      }
    }
    if (marker === 0xda) {
      for (let i = 0; i < body[0]!; i++) {
        const c = components.find((x) => x.id === body[1 + i * 2])!;
        c.td = body[2 + i * 2]! >> 4;
        c.ta = body[2 + i * 2]! & 15;
      }
      offset += 2 + length;
      break;
    }
    offset += 2 + length;
  }
  // Unstuff the scan up to EOI.
  const bytes: number[] = [];
  for (; !(jpeg[offset] === 0xff && jpeg[offset + 1] === 0xd9); offset++) {
    bytes.push(jpeg[offset]!);
    if (jpeg[offset] === 0xff) {
      expect(jpeg[offset + 1]).toBe(0);
      offset++;
    }
  }
  expect(offset).toBe(jpeg.length - 2);
  let bit = 0;
  const read = (): number => (bytes[bit >> 3]! >> (7 - (bit++ & 7))) & 1;
  const symbol = (table: Table): number => {
    let code = '';
    while (code.length <= 16) {
      code += read();
      const s = table.lookup.get(code);
      if (s !== undefined) return s;
    }
    throw new Error('bad Huffman code');
  };
  const extend = (size: number): number => {
    let v = 0;
    for (let i = 0; i < size; i++) v = (v << 1) | read();
    return size && v < 1 << (size - 1) ? v - (1 << size) + 1 : v;
  };
  const blocks = Math.ceil(width / 8) * Math.ceil(height / 8);
  const previous = components.map(() => 0);
  const dc: number[][] = [];
  for (let b = 0; b < blocks; b++) {
    dc.push(
      components.map((c, ci) => {
        previous[ci]! += extend(symbol(tables.get(c.td)!));
        for (let k = 1; k < 64; ) {
          const rs = symbol(tables.get(0x10 | c.ta)!);
          if (rs === 0) break;
          k += (rs >> 4) + 1;
          extend(rs & 15);
        }
        return previous[ci]! * quant.get(c.tq)!;
      }),
    );
  }
  expect(bytes.length * 8 - bit).toBeLessThan(8); // only padding left
  return { width, height, dc };
}

describe('jpeg', () => {
  it.each([
    [8, 8],
    [37, 21],
    [320, 256],
  ])('encodes %ix%i whose scan decodes to the block colours', (width, height) => {
    const count = Math.ceil(width / 8) * Math.ceil(height / 8);
    const blocks = Uint8Array.from({ length: count * 3 }, (_, i) => (i * 53 + 11) & 0xff);
    const jpeg = encodeJpeg(width, height, blocks);
    expect(jpegSize(jpeg)).toEqual({ width, height });
    const decoded = decodeDc(jpeg);
    expect(decoded).toMatchObject({ width, height });
    expect(decoded.dc).toHaveLength(count);
    decoded.dc.forEach(([y, cb, cr], b) => {
      const [r, g, bl] = [blocks[b * 3]!, blocks[b * 3 + 1]!, blocks[b * 3 + 2]!];
      // F(0,0) of a flat block is 8 × (sample − 128); the decoder sees the same YCbCr the encoder meant.
      // (within 1 level: the encoder rounds each component to an integer)
      expect(Math.abs(y! / 8 + 128 - (0.299 * r + 0.587 * g + 0.114 * bl))).toBeLessThanOrEqual(1);
      expect(Math.abs(cb! / 8 + 128 - (128 - 0.168736 * r - 0.331264 * g + 0.5 * bl))).toBeLessThanOrEqual(1);
      expect(Math.abs(cr! / 8 + 128 - (128 + 0.5 * r - 0.418688 * g - 0.081312 * bl))).toBeLessThanOrEqual(1);
    });
  });

  it('stuffs 0xFF bytes in the scan', () => {
    // Only a DC jump of +255 writes eight 1 bits in a row; after six black blocks (21 + 5 × 9 bits)
    // the jump to white puts them exactly on a byte boundary.
    const blocks = Uint8Array.from({ length: 7 * 3 }, (_, i) => (i >= 18 ? 255 : 0));
    const jpeg = encodeJpeg(56, 8, blocks);
    const scanStart = jpeg.findIndex((b, i) => b === 0xff && jpeg[i + 1] === 0xda);
    const stuffed = jpeg.subarray(scanStart + 14, -2).some((b, i, scan) => b === 0xff && scan[i + 1] === 0x00);
    expect(stuffed).toBe(true);
    expect(decodeDc(jpeg).dc.map(([y]) => y)).toEqual([-1024, -1024, -1024, -1024, -1024, -1024, 1016]);
  });

  it('rejects bad input and recognises non-JPEG bytes', () => {
    expect(() => encodeJpeg(0, 8, new Uint8Array(0))).toThrow(RangeError);
    expect(() => encodeJpeg(8, 8, new Uint8Array(4))).toThrow(RangeError);
    expect(jpegSize(Uint8Array.of(0x89, 0x50, 0x4e, 0x47))).toBeUndefined();
  });
});
