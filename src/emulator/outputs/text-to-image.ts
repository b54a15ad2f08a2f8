/** @module Text-to-image: real PNG or JPEG images of the requested size, raw or base64 as the model answers. */
import { encodeJpeg } from '../../media/jpeg.js';
import { encodeFilteredRows, type FilteredRowWriter } from '../../media/png.js';
import { createRng } from '../rng.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { multipartFields, numberInput } from './inputs.js';
import { declaredProperties, exampleOutput, perModel } from './schema-shape.js';

/** Size when neither the request nor the model's `defaultImageSize` says (SDXL's native size). */
const DEFAULT_SIZE = { width: 1024, height: 1024 };
const MAX_SIDE = 4096;
/** Distinct pictures per size: requests pick one by seed, so answers vary yet encode at most this often. */
const VARIANTS = 16;
const CACHE_LIMIT = 48;

type Format = 'png' | 'jpeg';
type Rgb = [number, number, number];

const cache = new Map<string, Uint8Array>();

function colours(variant: number): { from: Rgb; to: Rgb; disc: Rgb } {
  const rng = createRng(0x9e3779b9 ^ variant);
  const colour = (): Rgb => [rng.int(0, 255), rng.int(0, 255), rng.int(0, 255)];
  return { from: colour(), to: colour(), disc: colour() };
}

/**
 * The picture: a diagonal gradient between two colours, constant along each diagonal x + y (so row y + 1 is row y
 * moved one pixel), with a soft-edged disc. Every diagonal's colour is computed once per image (`line`, RGB), and with
 * it the diagonal's Sub-filtered form (`deltas`: its colour minus the previous diagonal's, mod 256).
 */
interface Picture {
  line: Uint8Array;
  deltas: Uint8Array;
  disc: Rgb;
  cx: number;
  cy: number;
  radius: number;
  /** Squared distance from the centre past which the disc surely does not show (1.15 radii, with a margin for rounding). */
  outside: number;
}

function picture(width: number, height: number, variant: number): Picture {
  const { from, to, disc } = colours(variant);
  const diagonals = width + height - 1;
  const last = Math.max(1, diagonals - 1);
  const line = new Uint8Array(diagonals * 3);
  const deltas = new Uint8Array(diagonals * 3);
  for (let s = 0, o = 0; s < diagonals; s++) {
    const t = s / last;
    for (let c = 0; c < 3; c++, o++) {
      line[o] = Math.round(from[c]! * (1 - t) + to[c]! * t);
      deltas[o] = (line[o]! - (s > 0 ? line[o - 3]! : 0)) & 0xff;
    }
  }
  const radius = Math.min(width, height) * 0.22;
  return {
    line,
    deltas,
    disc,
    cx: width * (0.3 + (variant % 4) * 0.13),
    cy: height * (0.3 + ((variant >> 2) % 4) * 0.13),
    radius,
    outside: (1.15 * radius) ** 2 * 1.001,
  };
}

/** The disc's weight at (x, y): 1 inside, 0 outside, fading over its last 15 %. */
function discWeight(p: Picture, x: number, y: number): number {
  const dx = x - p.cx;
  const dy = y - p.cy;
  if (dx * dx + dy * dy > p.outside) return 0;
  const d = Math.sqrt(dx * dx + dy * dy) / p.radius;
  return d < 1 ? 1 : d < 1.15 ? (1.15 - d) / 0.15 : 0;
}

/** Writes the colour at (x, y) into `out[at..at + 3)` (x + y is clamped to the last diagonal: JPEG blocks overhang). */
function paintPixel(p: Picture, out: Uint8Array, at: number, x: number, y: number): void {
  const g = Math.min(x + y, p.line.length / 3 - 1) * 3;
  const k = discWeight(p, x, y);
  for (let c = 0; c < 3; c++) out[at + c] = k === 0 ? p.line[g + c]! : Math.round(p.line[g + c]! * (1 - k) + p.disc[c]! * k);
}

/**
 * The picture a row at a time, written as the PNG encoder filters rows (Sub: each byte minus the one 3 before it):
 * a row is a copy of the diagonals' deltas, its first pixel against 0, then the columns near the disc painted and
 * filtered one by one: per-pixel arithmetic was ~20 ns a pixel (0.4 s of a default run's 21 M pixels, on the thread
 * that also runs the suites); a row is now a memory copy and the disc's rim.
 */
export function filteredRowPainter(width: number, height: number, variant: number): FilteredRowWriter {
  const p = picture(width, height, variant);
  const { line, deltas, disc } = p;
  // The rim's pixels, painted as paintPixel paints them (one pixel's RGB), then filtered.
  const pixel = new Uint8Array(3);
  return (raw, at, y) => {
    raw[at] = 1; // filter: Sub
    raw[at + 1] = line[y * 3]!;
    raw[at + 2] = line[y * 3 + 1]!;
    raw[at + 3] = line[y * 3 + 2]!;
    raw.set(deltas.subarray((y + 1) * 3, (y + width) * 3), at + 4);
    // The columns that may touch the disc, a pixel wider each side than the exact chord.
    const dy = y - p.cy;
    const reach = p.outside - dy * dy;
    if (reach <= 0) return;
    const half = Math.sqrt(reach);
    const near0 = Math.max(0, Math.floor(p.cx - half) - 1);
    const near1 = Math.min(width, Math.ceil(p.cx + half) + 2);
    const g0 = (y + near0 - 1) * 3;
    let r0 = near0 > 0 ? line[g0]! : 0;
    let gr0 = near0 > 0 ? line[g0 + 1]! : 0;
    let b0 = near0 > 0 ? line[g0 + 2]! : 0;
    // The columns surely inside the disc (d² ≤ 0.999: its weight is exactly 1) are its colour alone: Sub-filtered, a
    // delta at the first and zeros after it.
    const innerReach = p.radius * p.radius * 0.999 - dy * dy;
    const innerHalf = innerReach > 0 ? Math.sqrt(innerReach) : -1;
    const inner0 = innerHalf < 0 ? near1 : Math.max(near0, Math.ceil(p.cx - innerHalf));
    const inner1 = innerHalf < 0 ? near1 : Math.min(near1, Math.floor(p.cx + innerHalf) + 1);
    for (let x = near0; x < near1; x++) {
      if (x === inner0 && inner1 > inner0) {
        const o = at + 1 + x * 3;
        raw[o] = (disc[0] - r0) & 0xff;
        raw[o + 1] = (disc[1] - gr0) & 0xff;
        raw[o + 2] = (disc[2] - b0) & 0xff;
        raw.fill(0, o + 3, at + 1 + inner1 * 3);
        [r0, gr0, b0] = disc;
        x = inner1 - 1;
        continue;
      }
      paintPixel(p, pixel, 0, x, y);
      const r = pixel[0]!;
      const gr = pixel[1]!;
      const b = pixel[2]!;
      const o = at + 1 + x * 3;
      raw[o] = (r - r0) & 0xff;
      raw[o + 1] = (gr - gr0) & 0xff;
      raw[o + 2] = (b - b0) & 0xff;
      r0 = r;
      gr0 = gr;
      b0 = b;
    }
    // The pixel after the span is the gradient again, filtered against the span's last pixel.
    if (near1 < width) {
      const g = (near1 + y) * 3;
      const o = at + 1 + near1 * 3;
      raw[o] = (line[g]! - r0) & 0xff;
      raw[o + 1] = (line[g + 1]! - gr0) & 0xff;
      raw[o + 2] = (line[g + 2]! - b0) & 0xff;
    }
  };
}

function render(format: Format, width: number, height: number, variant: number): Uint8Array {
  if (format === 'jpeg') {
    const p = picture(width, height, variant);
    const bw = Math.ceil(width / 8);
    const bh = Math.ceil(height / 8);
    const blocks = new Uint8Array(bw * bh * 3);
    for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) paintPixel(p, blocks, (by * bw + bx) * 3, bx * 8 + 4, by * 8 + 4);
    return encodeJpeg(width, height, blocks);
  }
  return encodeFilteredRows(width, height, filteredRowPainter(width, height, variant));
}

/** Encoded image bytes, cached per (format, size, variant): big images are costly to paint and compress. */
export function image(format: Format, width: number, height: number, variant: number): Uint8Array {
  const key = `${format}:${width}x${height}:${variant}`;
  let bytes = cache.get(key);
  if (bytes) {
    cache.delete(key); // move to the back: least recently used leaves first
  } else {
    bytes = render(format, width, height, variant);
    if (cache.size >= CACHE_LIMIT) cache.delete(cache.keys().next().value!);
  }
  cache.set(key, bytes);
  return bytes;
}

function side(value: number | undefined, fallback: number, max: number): number {
  return value === undefined || value < 1 ? fallback : Math.min(max, Math.round(value));
}

/**
 * The answer's size: the request's `width`/`height` (JSON or multipart fields), else the model's default;
 * each side at most `max` (requests past the model's `limits.imageSide` are refused before this).
 */
export function requestedSize(context: OutputContext, max = MAX_SIDE): { width: number; height: number } {
  const fields = context.rawBody ? multipartFields(context.rawBody) : {};
  const fallback = context.model.facts.defaultImageSize ?? DEFAULT_SIZE;
  return {
    width: side(numberInput(context.input, 'width') ?? numberInput(fields, 'width'), fallback.width, max),
    height: side(numberInput(context.input, 'height') ?? numberInput(fields, 'height'), fallback.height, max),
  };
}

const imageMember = perModel((contract, model) => {
  const declared = declaredProperties(contract, model);
  return declared.has('image') ? 'image' : ([...declared][0] ?? 'image');
});

/**
 * Raw bytes (`image/png`, or `image/jpeg` when that is the model's content type) for models answering
 * binary; otherwise `{image: base64}` in the envelope, a JPEG as flux-1-schnell's documented answer is.
 */
export const textToImage: OutputMaker = {
  make(context) {
    const { model, rng } = context;
    const { width, height } = requestedSize(context);
    const variant = rng.int(0, VARIANTS - 1);
    const { contentType, envelope } = model.facts.response;
    if (!envelope) {
      const format: Format = contentType.includes('jpeg') ? 'jpeg' : 'png';
      return { kind: 'binary', contentType: format === 'jpeg' ? 'image/jpeg' : 'image/png', bytes: image(format, width, height, variant) };
    }
    const base64 = Buffer.from(image('jpeg', width, height, variant)).toString('base64');
    const member = imageMember(context.contract, model);
    return { kind: 'json', result: member === 'image' ? { image: base64 } : exampleOutput(context, { [member]: base64 }) };
  },
};
