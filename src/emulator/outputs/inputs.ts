/** @module Reading media out of a request however it came: raw body, byte array, base64 string, or `{body, contentType}`. */
import { jpegSize } from '../../media/jpeg.js';
import { parseMp3Frames } from '../../media/mp3.js';
import { pngSize } from '../../media/png.js';
import { parseWav } from '../../media/wav.js';
import type { OutputContext } from '../types.js';

function toBytes(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof ArrayBuffer) return new Uint8Array(value);
  if (Array.isArray(value)) return Uint8Array.from(value as number[]);
  if (typeof value === 'string') {
    const comma = value.startsWith('data:') ? value.indexOf(',') : -1;
    return Buffer.from(comma >= 0 ? value.slice(comma + 1) : value, 'base64');
  }
  if (value && typeof value === 'object' && 'body' in value) return toBytes((value as { body: unknown }).body);
  return undefined;
}

/** The media bytes of a request: the raw body, else the first of `fields` (then `body`) that holds bytes. */
export function inputBytes(context: OutputContext, ...fields: string[]): Uint8Array | undefined {
  if (context.rawBody && context.rawBody.length > 0) return context.rawBody;
  for (const field of [...fields, 'body']) {
    const bytes = toBytes(context.input[field]);
    if (bytes) return bytes;
  }
  return undefined;
}

/** Width and height of PNG or JPEG bytes, when they are one. */
export function imageSize(bytes: Uint8Array | undefined): { width: number; height: number } | undefined {
  return bytes ? (pngSize(bytes) ?? jpegSize(bytes)) : undefined;
}

/** Assumed byte rate of audio the emulator cannot parse (≈128 kbit/s), so longer uploads still mean longer speech. */
const UNKNOWN_AUDIO_BYTES_PER_SECOND = 16_000;

/** Duration in seconds of WAV or MP3 bytes; other bytes are sized by an assumed bit rate. Between 0.5 s and 1 h. */
export function audioDuration(bytes: Uint8Array | undefined): number {
  if (!bytes || bytes.length === 0) return 0.5;
  const seconds = parseWav(bytes)?.durationSeconds ?? parseMp3Frames(bytes)?.durationSeconds ?? bytes.length / UNKNOWN_AUDIO_BYTES_PER_SECOND;
  return Math.min(3600, Math.max(0.5, seconds));
}

/** A number member of the input, when it is a finite number (numeric strings, as form fields send them, too). */
export function numberInput(input: Record<string, unknown>, ...names: string[]): number | undefined {
  for (const name of names) {
    const value = input[name];
    const n = typeof value === 'string' && value.trim() !== '' ? Number(value) : value;
    if (typeof n === 'number' && Number.isFinite(n)) return n;
  }
  return undefined;
}

/** Text fields of a multipart/form-data body (flux-2 style requests), by name. */
export function multipartFields(bytes: Uint8Array | undefined): Record<string, string> {
  const fields: Record<string, string> = {};
  if (!bytes || bytes.length === 0 || bytes.length > 1 << 20) return fields;
  const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  const pattern = /Content-Disposition:\s*form-data;\s*name="([^"]+)"(?![^\r\n]*filename=)[^\r\n]*\r?\n(?:[^\r\n]+\r?\n)*\r?\n([^\r\n]*)/gi;
  for (let m = pattern.exec(text); m; m = pattern.exec(text)) fields[m[1]!] = m[2]!;
  return fields;
}
