/** @module Keeping credentials out of everything recorded, and recording bodies compactly. */
import { createHash } from 'node:crypto';
import type { BodyRecord } from './types.js';

/** What a redacted value is replaced with. */
export const REDACTED = '[REDACTED]';

/** Header names (lower-case) whose values are credentials, whatever they hold. */
export const SENSITIVE_HEADERS: ReadonlySet<string> = new Set([
  'authorization',
  'proxy-authorization',
  'x-auth-key',
  'x-auth-email',
  'cf-aig-authorization',
  'cookie',
]);

/** Secrets shorter than this are redacted by header name only, never searched for in text. */
export const MIN_SEARCHED_SECRET_LENGTH = 8;

/** Default most bytes of a text body kept in a record (64 KiB). */
export const DEFAULT_RECORD_LIMIT = 64 * 1024;

/**
 * Replaces credentials wherever they appear: sensitive header values always, and each configured
 * secret string (raw and percent-encoded, as it would appear in a URL) in any text or bytes.
 */
export class Redactor {
  readonly #needles: string[];
  readonly #byteNeedles: Buffer[];
  /** Every secret is written by JSON.stringify as itself, so a JSON text shows each secret as it is. */
  readonly #jsonCleanNeedles: boolean;

  /** @param secrets the credential strings this target knows (empty strings are ignored). */
  constructor(secrets: readonly string[] = []) {
    const variants = new Set<string>();
    for (const secret of secrets) {
      // A very short "secret" (a test token such as `T`) would match innocent text everywhere;
      // credential headers are still redacted by name whatever their value.
      if (secret.length < MIN_SEARCHED_SECRET_LENGTH) continue;
      variants.add(secret);
      variants.add(encodeURIComponent(secret));
      variants.add(encodeURIComponent(secret).replace(/%20/g, '+'));
    }
    // Longest first, so a secret containing another is replaced whole rather than in part.
    this.#needles = [...variants].sort((a, b) => b.length - a.length);
    this.#byteNeedles = this.#needles.map((needle) => Buffer.from(needle, 'utf8'));
    this.#jsonCleanNeedles = this.#needles.every((needle) => JSON.stringify(needle) === `"${needle}"`);
  }

  /**
   * True when no secret can occur in the strings or keys of the value `JSON.stringify` wrote as `json`:
   * every secret is written by JSON as itself (no character JSON escapes) and the text holds none.
   * Then `value` would return that value unchanged, and need not walk it.
   */
  absentFromJson(json: string): boolean {
    return this.#jsonCleanNeedles && this.absentFrom(json);
  }

  /** True when no secret occurs in `text` (then `text` and `bytes` of its UTF-8 return their input unchanged). */
  absentFrom(text: string): boolean {
    return this.#needles.every((needle) => !text.includes(needle));
  }

  /** `text` with every secret replaced by `[REDACTED]`. */
  text(text: string): string {
    let out = text;
    for (const needle of this.#needles) {
      if (out.includes(needle)) out = out.split(needle).join(REDACTED);
    }
    return out;
  }

  /** Headers with sensitive values replaced, and secrets removed from the others. */
  headers(headers: Record<string, string>): Record<string, string> {
    const out: Record<string, string> = {};
    for (const [name, headerValue] of Object.entries(headers)) {
      out[name] = SENSITIVE_HEADERS.has(name.toLowerCase()) ? REDACTED : this.text(headerValue);
    }
    return out;
  }

  /**
   * A JSON-like value with every secret replaced in its strings and keys; the same value when
   * none occurs. Typed arrays go through `bytes`.
   */
  value<T>(input: T): T {
    return this.#value(input) as T;
  }

  #value(input: unknown): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input instanceof Uint8Array) return this.bytes(input);
    if (Array.isArray(input)) {
      const out = input.map((item) => this.#value(item));
      return out.some((item, i) => item !== input[i]) ? out : input;
    }
    if (input !== null && typeof input === 'object') {
      let changed = false;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(input)) {
        const newKey = this.text(key);
        const newItem = this.#value(item);
        if (newKey !== key || newItem !== item) changed = true;
        out[newKey] = newItem;
      }
      return changed ? out : input;
    }
    return input;
  }

  /**
   * `bytes` with every secret replaced; the same array when none occurs (the common case, so
   * checks see the server's bytes untouched unless it echoed a credential back).
   */
  bytes(bytes: Uint8Array): Uint8Array {
    let out = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let changed = false;
    for (const needle of this.#byteNeedles) {
      let at = out.indexOf(needle);
      if (at < 0) continue;
      const parts: Buffer[] = [];
      let from = 0;
      while (at >= 0) {
        parts.push(out.subarray(from, at), Buffer.from(REDACTED));
        from = at + needle.length;
        at = out.indexOf(needle, from);
      }
      parts.push(out.subarray(from));
      out = Buffer.concat(parts);
      changed = true;
    }
    return changed ? new Uint8Array(out.buffer, out.byteOffset, out.byteLength) : bytes;
  }
}

const TEXT_TYPES = new Set([
  'application/json',
  'application/xml',
  'application/javascript',
  'application/x-www-form-urlencoded',
  'application/x-ndjson',
  'application/yaml',
]);

/** The media type without parameters, lower-cased (`''` when absent). */
export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0]!.trim().toLowerCase();
}

/** Whether a media type is text by declaration (`undefined`: no declaration, sniff instead). */
function declaredText(type: string): boolean | undefined {
  if (!type) return undefined;
  return type.startsWith('text/') || TEXT_TYPES.has(type) || type.endsWith('+json') || type.endsWith('+xml');
}

/** Undeclared bytes count as text if they are valid UTF-8 without control characters. */
function sniffText(bytes: Uint8Array): boolean {
  try {
    // `stream: true` so a multi-byte character cut off at the end of the sample is not an error.
    const text = new TextDecoder('utf-8', { fatal: true }).decode(bytes, { stream: true });
    // eslint-disable-next-line no-control-regex
    return !/[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]/.test(text);
  } catch {
    return false;
  }
}

const UTF8 = new TextDecoder('utf-8');
const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** The text of byte arrays recorded whole and found to be valid UTF-8, so a reader of the same bytes need not decode them again. */
const wholeText = new WeakMap<Uint8Array, string>();

/**
 * The text `bytes` decode to, when `recordBody` recorded these very bytes whole and they are valid UTF-8 (the
 * checks read a response's bytes right after the target recorded them); undefined otherwise.
 */
export function recordedText(bytes: Uint8Array): string | undefined {
  return wholeText.get(bytes);
}

/**
 * A body as it goes into a record: nothing when empty; text (cut at `limit` bytes, on a
 * character boundary) when the media type says text or undeclared bytes look like text; else
 * the size and SHA-256 digest, so a report never carries binary media.
 */
export function recordBody(bytes: Uint8Array, contentType: string | undefined, limit = DEFAULT_RECORD_LIMIT): BodyRecord {
  if (bytes.byteLength === 0) return { kind: 'none' };
  const type = mediaType(contentType);
  const isText = declaredText(type) ?? sniffText(bytes.subarray(0, Math.min(bytes.byteLength, limit)));
  if (!isText) {
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    return { kind: 'binary', size: bytes.byteLength, sha256, contentType: type || 'application/octet-stream' };
  }
  let end = bytes.byteLength;
  if (end > limit) {
    end = limit;
    // Step back over UTF-8 continuation bytes so the cut never splits a character.
    while (end > 0 && (bytes[end]! & 0xc0) === 0x80) end -= 1;
  }
  let text: string | undefined;
  if (end === bytes.byteLength) {
    try {
      text = STRICT_UTF8.decode(bytes);
      wholeText.set(bytes, text);
    } catch {
      // not UTF-8: recorded with replacement characters below
    }
  }
  text ??= UTF8.decode(bytes.subarray(0, end));
  return { kind: 'text', text, truncated: end < bytes.byteLength, size: bytes.byteLength };
}

/**
 * `recordBody` of the UTF-8 bytes of `json` (a string JSON.stringify wrote, so well-formed), from the text itself
 * when it is recorded whole: the same record without decoding what was just encoded.
 */
export function recordJsonBody(json: string, bytes: Uint8Array, limit = DEFAULT_RECORD_LIMIT): BodyRecord {
  if (bytes.byteLength === 0 || bytes.byteLength > limit) return recordBody(bytes, 'application/json', limit);
  return { kind: 'text', text: json, truncated: false, size: bytes.byteLength };
}
