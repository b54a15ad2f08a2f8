/** @module Recognises media bytes by their magic numbers, so binary answers can be judged without a decoder. */

/** Media types this project can recognise from bytes. */
export type SniffedType = 'image/png' | 'image/jpeg' | 'image/webp' | 'audio/mpeg' | 'audio/wav' | 'audio/ogg' | 'audio/flac' | 'application/json';

function startsWith(bytes: Uint8Array, signature: readonly number[], offset = 0): boolean {
  if (bytes.length < offset + signature.length) return false;
  return signature.every((b, i) => bytes[offset + i] === b);
}

/** The media type the bytes are, or undefined when unrecognised. */
export function sniffMediaType(bytes: Uint8Array): SniffedType | undefined {
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x45, 0x42, 0x50], 8)) return 'image/webp';
  if (startsWith(bytes, [0x52, 0x49, 0x46, 0x46]) && startsWith(bytes, [0x57, 0x41, 0x56, 0x45], 8)) return 'audio/wav';
  if (startsWith(bytes, [0x49, 0x44, 0x33])) return 'audio/mpeg'; // ID3 tag before MPEG frames
  if (bytes.length >= 2 && bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0) return 'audio/mpeg'; // MPEG frame sync
  if (startsWith(bytes, [0x4f, 0x67, 0x67, 0x53])) return 'audio/ogg';
  if (startsWith(bytes, [0x66, 0x4c, 0x61, 0x43])) return 'audio/flac';
  const first = bytes.find((b) => b !== 0x20 && b !== 0x0a && b !== 0x0d && b !== 0x09);
  if (first === 0x7b || first === 0x5b) return 'application/json';
  return undefined;
}

/** The bare media type of a Content-Type header value (`image/png; x=y` → `image/png`). */
export function bareMediaType(contentType: string | undefined | null): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** True when `actual` satisfies `expected`, which may be a wildcard such as `audio/*`. */
export function mediaTypeMatches(expected: string, actual: string): boolean {
  const e = bareMediaType(expected);
  const a = bareMediaType(actual);
  if (e.endsWith('/*')) return a.startsWith(e.slice(0, -1));
  return e === a;
}
