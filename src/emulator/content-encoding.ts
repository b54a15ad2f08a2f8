/**
 * @module Request bodies in a declared `Content-Encoding` (RFC 9110 8.4): `gzip`, `deflate` and `br` are
 * decoded with node:zlib, `identity` is the body itself, anything else is refused (415). The decoded
 * size is bounded by the same limit as a plain body, so a small compression bomb is refused with 413
 * after at most that many bytes of work, never inflated whole.
 */
import { brotliDecompress, gunzip, inflate, type InputType, type ZlibOptions } from 'node:zlib';
import { promisify } from 'node:util';

/** Codings the emulator decodes, by their (lower-case) names. */
const DECODERS: Record<string, (input: InputType, options: ZlibOptions) => Promise<Buffer>> = {
  gzip: promisify(gunzip),
  'x-gzip': promisify(gunzip),
  deflate: promisify(inflate),
  br: promisify(brotliDecompress) as (input: InputType, options: ZlibOptions) => Promise<Buffer>,
};

const DECODE_CHUNK_BYTES = 1024 * 1024;

/** At most this many codings may be stacked on one body (`gzip, br`): a longer list is refused. */
export const MAX_CODINGS = 2;

export type DecodeResult =
  | { ok: true; body: Buffer }
  /** `unsupported`: a coding not decoded here (415); `too-large`: decoded past the limit (413); `malformed`: not valid data of its coding (400). */
  | { ok: false; reason: 'unsupported' | 'too-large' | 'malformed'; coding: string };

/** The codings of a `Content-Encoding` value, in the order they were applied (`identity` left out). */
export function codingsOf(header: string | undefined): string[] {
  if (header === undefined) return [];
  return header
    .split(',')
    .map((c) => c.trim().toLowerCase())
    .filter((c) => c !== '' && c !== 'identity');
}

/** Decodes `body` (codings applied in order, so undone in reverse), its decoded size at most `maxBytes`. */
export async function decodeBody(body: Buffer, header: string | undefined, maxBytes: number): Promise<DecodeResult> {
  const codings = codingsOf(header);
  if (codings.length === 0) return { ok: true, body };
  if (codings.length > MAX_CODINGS) return { ok: false, reason: 'unsupported', coding: codings.join(', ') };
  for (const coding of codings) if (!DECODERS[coding]) return { ok: false, reason: 'unsupported', coding };
  let decoded = body;
  for (let i = codings.length - 1; i >= 0; i--) {
    const coding = codings[i]!;
    try {
      // Large output chunks: with zlib's default 16 KB, a 10 MiB body takes 640 thread-pool round trips,
      // each waiting for a busy event loop.
      decoded = await DECODERS[coding]!(decoded, { maxOutputLength: Math.max(1, maxBytes), chunkSize: DECODE_CHUNK_BYTES });
    } catch (error) {
      const tooLarge = error instanceof RangeError || (error as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE';
      return { ok: false, reason: tooLarge ? 'too-large' : 'malformed', coding };
    }
  }
  return { ok: true, body: decoded };
}
