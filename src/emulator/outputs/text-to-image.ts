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
 * The picture: a diagonal gradient between two colours with a soft-edged disc. `paint` writes the
 * colour at (x, y) into `out` at `at`; it allocates nothing, since it runs for every pixel of a
 * 1024² answer.
 */
function painter(width: number, height: number, variant: number): (out: Uint8Array, at: number, x: number, y: number) => void {
  const { from, to, disc } = colours(variant);
  const cx = width * (0.3 + (variant % 4) * 0.13);
  const cy = height * (0.3 + ((variant >> 2) % 4) * 0.13);
  const radius = Math.min(width, height) * 0.22;
  // Beyond this squared distance (with a margin for rounding) the disc cannot show: skip Math.hypot.
  const outside = (1.15 * radius) ** 2 * 1.001;
  return (out, at, x, y) => {
    const t = (x / width + y / height) / 2;
    const dx = x - cx;
    const dy = y - cy;
    const d = dx * dx + dy * dy > outside ? 2 : Math.hypot(dx, dy) / radius;
    const k = d < 1 ? 1 : d < 1.15 ? (1.15 - d) / 0.15 : 0;
    for (let c = 0; c < 3; c++) out[at + c] = Math.round((from[c]! * (1 - t) + to[c]! * t) * (1 - k) + disc[c]! * k);
  };
}

/**
 * The same picture as {@link painter}, a row at a time, written straight as the PNG encoder filters rows (Sub: each
 * byte minus the one 3 before it): no RGB array and no filtered copy, the same bytes (a 2048² answer was 0.3–0.6 s of
 * paint, copy and filter on the thread that also runs the suites), and never the whole image at once.
 *
 * Only the pixels near the disc take its distance: elsewhere its weight is 0 and a pixel is the gradient alone, the
 * same float expression with the disc's terms (`× 1`, `+ 0`) left out, so the bytes are the same (a 2048² answer has
 * four fifths of its pixels off the disc; a row off it takes no square root at all).
 */
export function filteredRowPainter(width: number, height: number, variant: number): FilteredRowWriter {
  const { from, to, disc } = colours(variant);
  const cx = width * (0.3 + (variant % 4) * 0.13);
  const cy = height * (0.3 + ((variant >> 2) % 4) * 0.13);
  const radius = Math.min(width, height) * 0.22;
  // Past this squared distance (the disc's edge, 1.15 radii, and a margin for rounding) its weight is surely 0.
  const outside = (1.15 * radius) ** 2 * 1.001;
  const [f0, f1, f2] = from;
  const [t0, t1, t2] = to;
  const [d0, d1, d2] = disc;
  // x / width for every column, computed once: the same quotients, no division per pixel.
  const across = new Float64Array(width);
  for (let x = 0; x < width; x++) across[x] = x / width;
  return (raw, at, y) => {
    let o = at;
    const dy = y - cy;
    const yh = y / height;
    raw[o++] = 1; // filter: Sub
    let r0 = 0;
    let g0 = 0;
    let b0 = 0;
    // The columns that may touch the disc, a pixel wider each side than the exact chord.
    const reach = outside - dy * dy;
    const half = reach > 0 ? Math.sqrt(reach) : -1;
    const near0 = half < 0 ? width : Math.max(0, Math.floor(cx - half) - 1);
    const near1 = half < 0 ? width : Math.min(width, Math.ceil(cx + half) + 2);
    for (let x = 0; x < width; x++) {
      const t = (across[x]! + yh) * 0.5; // halving is exact: the same t as (x / width + y / height) / 2
      let r: number;
      let g: number;
      let b: number;
      if (x < near0 || x >= near1) {
        r = Math.round(f0 * (1 - t) + t0 * t);
        g = Math.round(f1 * (1 - t) + t1 * t);
        b = Math.round(f2 * (1 - t) + t2 * t);
      } else {
        const dx = x - cx;
        const d = Math.sqrt(dx * dx + dy * dy) / radius;
        const k = d < 1 ? 1 : d < 1.15 ? (1.15 - d) / 0.15 : 0;
        r = Math.round((f0 * (1 - t) + t0 * t) * (1 - k) + d0 * k);
        g = Math.round((f1 * (1 - t) + t1 * t) * (1 - k) + d1 * k);
        b = Math.round((f2 * (1 - t) + t2 * t) * (1 - k) + d2 * k);
      }
      raw[o++] = (r - r0) & 0xff;
      raw[o++] = (g - g0) & 0xff;
      raw[o++] = (b - b0) & 0xff;
      r0 = r;
      g0 = g;
      b0 = b;
    }
  };
}

function render(format: Format, width: number, height: number, variant: number): Uint8Array {
  const paint = painter(width, height, variant);
  if (format === 'jpeg') {
    const bw = Math.ceil(width / 8);
    const bh = Math.ceil(height / 8);
    const blocks = new Uint8Array(bw * bh * 3);
    for (let by = 0; by < bh; by++) for (let bx = 0; bx < bw; bx++) paint(blocks, (by * bw + bx) * 3, bx * 8 + 4, by * 8 + 4);
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
