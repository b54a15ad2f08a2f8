import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { decodeImage } from '../../../src/checks/_internals/media.js';
import { image } from '../../../src/emulator/outputs/text-to-image.js';
import { verifyJpeg } from '../../../src/media/jpeg-verify.js';
import { encodePng } from '../../../src/media/png.js';

// The independent oracles: full decoders.
const require = createRequire(import.meta.url);
const jpeg = require('jpeg-js') as typeof import('jpeg-js');
const pngjs = require('pngjs') as typeof import('pngjs');

const jpegJs = (bytes: Uint8Array): string => {
  try {
    const decoded = jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
    return `${decoded.width}x${decoded.height}`;
  } catch {
    return 'refused';
  }
};
const pngJs = (bytes: Uint8Array): string => {
  try {
    const decoded = pngjs.PNG.sync.read(Buffer.from(bytes));
    return `${decoded.width}x${decoded.height}`;
  } catch {
    return 'refused';
  }
};
const judged = (bytes: Uint8Array): string => {
  const decoded = decodeImage(bytes);
  return decoded.ok ? `${decoded.width}x${decoded.height}` : 'refused';
};

/** Noise with structure, so the encoder writes AC coefficients of every size. */
function pixels(width: number, height: number): { data: Buffer; width: number; height: number } {
  const data = Buffer.alloc(width * height * 4);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 7) * 11) & 255;
  return { data, width, height };
}

const JPEGS: [string, Uint8Array][] = [
  ['emulator 1×1', image('jpeg', 1, 1, 5)],
  ['emulator 37×17', image('jpeg', 37, 17, 2)],
  ['emulator 120×80', image('jpeg', 120, 80, 7)],
  ['jpeg-js 123×77 q50 (AC coefficients)', new Uint8Array(jpeg.encode(pixels(123, 77), 50).data)],
  ['jpeg-js 16×16 q100', new Uint8Array(jpeg.encode(pixels(16, 16), 100).data)],
];

/** Every truncation (sampled) and single-byte damage (sampled) of `bytes`. */
function damaged(bytes: Uint8Array): [string, Uint8Array][] {
  const out: [string, Uint8Array][] = [];
  for (let cut = 1; cut < bytes.length; cut += Math.max(1, bytes.length >> 6)) out.push([`cut at ${cut}`, bytes.subarray(0, cut)]);
  for (let at = 2; at < bytes.length; at += Math.max(1, bytes.length >> 7)) {
    for (const mask of [0x01, 0x80, 0xff]) {
      const copy = Uint8Array.from(bytes);
      copy[at]! ^= mask;
      out.push([`byte ${at} ^ ${mask}`, copy]);
    }
  }
  return out;
}

describe('verifyJpeg: a baseline JPEG read as a decoder reads it, without the inverse DCT', () => {
  it.each(JPEGS)('reads %s at the size jpeg-js decodes', (_, bytes) => {
    const verdict = verifyJpeg(bytes);
    expect(verdict.ok).toBe(true);
    expect(verdict.ok === true && `${verdict.width}x${verdict.height}`).toBe(jpegJs(bytes));
  });

  it.each(JPEGS)('refuses every truncation and damage of %s that jpeg-js refuses, and agrees on the size otherwise', (_, bytes) => {
    const weaker: string[] = [];
    for (const [how, variant] of damaged(bytes)) {
      const oracle = jpegJs(variant);
      const ours = judged(variant);
      if (oracle === 'refused' ? ours !== 'refused' : ours !== 'refused' && ours !== oracle) weaker.push(`${how}: ${ours}, jpeg-js ${oracle}`);
    }
    expect(weaker).toEqual([]);
  });

  it('refuses truncated scan data, a corrupt Huffman code and a missing end of image, naming the defect', () => {
    const bytes = image('jpeg', 300, 200, 7);
    expect(verifyJpeg(bytes.subarray(0, bytes.length - 2))).toEqual({ ok: false, reason: expect.stringMatching(/marker|truncated|end/) });
    const corrupt = Uint8Array.from(bytes);
    for (let i = bytes.length - 40; i < bytes.length - 10; i++) corrupt[i] = 0xfe;
    expect(verifyJpeg(corrupt).ok).toBe(false);
    expect(verifyJpeg(Uint8Array.of(0xff, 0xd8, 0xff, 0xd9))).toEqual({ ok: false, reason: 'no frame header' });
  });

  it('leaves progressive JPEGs to the full decoder', () => {
    const progressive = Uint8Array.from(image('jpeg', 64, 48, 1));
    const sof = progressive.findIndex((b, i) => b === 0xff && progressive[i + 1] === 0xc0);
    progressive[sof + 1] = 0xc2;
    expect(verifyJpeg(progressive)).toEqual({ ok: 'unsupported', coding: 'progressive' });
    expect(judged(progressive)).toBe(jpegJs(progressive));
  });
});

describe('decodeImage on PNGs: every row read (inflated to its declared size, filter types checked), as pngjs would refuse', () => {
  const rgb = new Uint8Array(61 * 23 * 3).map((_, i) => (i * 13) & 255);
  const png = encodePng(rgb, 61, 23);

  it('agrees with pngjs on the image and on every truncation and damage', () => {
    expect(judged(png)).toBe('61x23');
    const weaker = damaged(png).filter(([, variant]) => {
      const oracle = pngJs(variant);
      const ours = judged(variant);
      return oracle === 'refused' ? ours !== 'refused' : ours !== 'refused' && ours !== oracle;
    });
    expect(weaker.map(([how]) => how)).toEqual([]);
  });
});
