/** @module PNG encoder: real, CRC-correct files whose pixels decode back exactly. */
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { crc32, encodePng, inspectPng, pngSize } from '../../../src/media/png.js';

/** Decodes an 8-bit RGB PNG written by `encodePng` (Sub-filtered rows) back to packed RGB. */
function decodeRgb(png: Uint8Array): Uint8Array {
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  const { width, height } = pngSize(png)!;
  const idat: Uint8Array[] = [];
  for (let offset = 8; offset < png.length; ) {
    const length = view.getUint32(offset);
    if (String.fromCharCode(...png.subarray(offset + 4, offset + 8)) === 'IDAT') idat.push(png.subarray(offset + 8, offset + 8 + length));
    offset += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * 3;
  const out = new Uint8Array(stride * height);
  for (let y = 0; y < height; y++) {
    expect(raw[y * (stride + 1)]).toBe(1); // Sub filter
    for (let i = 0; i < stride; i++) {
      const left = i >= 3 ? out[y * stride + i - 3]! : 0;
      out[y * stride + i] = (raw[y * (stride + 1) + 1 + i]! + left) & 0xff;
    }
  }
  return out;
}

describe('png', () => {
  it('crc32 matches the standard check value', () => {
    expect(crc32(new TextEncoder().encode('123456789'))).toBe(0xcbf43926);
  });

  it.each([
    [1, 1],
    [7, 3],
    [64, 48],
    [257, 129],
    [2048, 40], // rows deflated in bands (16 rows of 6,145 bytes a band): one zlib stream over the bands
    [33000, 3], // a row longer than a band: a row a band
  ])('encodes %ix%i RGB pixels that decode back exactly', (width, height) => {
    const rgb = Uint8Array.from({ length: width * height * 3 }, (_, i) => (i * 37 + (i >> 5)) & 0xff);
    const png = encodePng(rgb, width, height);
    expect(pngSize(png)).toEqual({ width, height });
    expect(inspectPng(png)).toEqual({ width, height, bitDepth: 8, colorType: 2, chunks: ['IHDR', 'IDAT', 'IEND'] });
    expect(decodeRgb(png)).toEqual(rgb);
  });

  it('inspectPng names the defect of a damaged file', () => {
    const png = encodePng(new Uint8Array(4 * 4 * 3), 4, 4);
    const damaged = Uint8Array.from(png);
    damaged[40] = damaged[40]! ^ 0xff;
    expect(() => inspectPng(damaged)).toThrow(/bad CRC/);
    expect(() => inspectPng(png.subarray(0, png.length - 12))).toThrow(/IEND/);
  });

  it('rejects bad sizes and recognises non-PNG bytes', () => {
    expect(() => encodePng(new Uint8Array(3), 0, 1)).toThrow(RangeError);
    expect(() => encodePng(new Uint8Array(5), 1, 1)).toThrow(RangeError);
    expect(pngSize(new TextEncoder().encode('GIF89a.................'))).toBeUndefined();
  });
});

describe('inspectPng on hostile bytes', () => {
  /** A PNG whose header says 100×100 RGB but whose IDAT inflates to `inflated` bytes. */
  function bomb(inflated: number): Uint8Array {
    const png = Buffer.from(encodePng(new Uint8Array(100 * 100 * 3), 100, 100));
    const at = png.indexOf('IDAT') - 4;
    const length = png.readUInt32BE(at);
    const data = deflateSync(Buffer.alloc(inflated));
    const chunk = Buffer.alloc(12 + data.length);
    chunk.writeUInt32BE(data.length, 0);
    chunk.write('IDAT', 4, 'latin1');
    data.copy(chunk, 8);
    chunk.writeUInt32BE(crc32(chunk, 4, 8 + data.length) >>> 0, 8 + data.length);
    return Buffer.concat([png.subarray(0, at), chunk, png.subarray(at + 12 + length)]);
  }

  it('inflates no more than the header declares (a 200 MB compression bomb is refused, not inflated)', () => {
    // Built before measuring: making the bomb deflates 200 MB of zeros, which is not inspectPng's memory.
    const hostile = bomb(200 * 1024 * 1024);
    const before = process.memoryUsage().rss;
    expect(() => inspectPng(hostile)).toThrow(/inflates past the 30100 bytes/);
    expect(process.memoryUsage().rss - before).toBeLessThan(100 * 1024 * 1024);
  });
});
