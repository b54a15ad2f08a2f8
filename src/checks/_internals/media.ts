/** @module Decoding media answers to judge them: images read as a decoder reads them (pngjs / jpeg-js where our readers stop), audio with src/media's parsers. */
import { createRequire } from 'node:module';
import { verifyJpeg } from '../../media/jpeg-verify.js';
import { inspectPng, isFullyInspected } from '../../media/png.js';
import { parseMp3Frames } from '../../media/mp3.js';
import { sniffMediaType } from '../../media/sniff.js';
import { parseWav } from '../../media/wav.js';

/** A decoded image's size, or why it does not decode. */
export type ImageDecode = { ok: true; type: string; width: number; height: number } | { ok: false; reason: string };

/** A decoded audio answer, or why it does not decode. */
export type AudioDecode = { ok: true; type: string; durationSeconds?: number } | { ok: false; reason: string };

/** The image decoders, loaded on first use (a process that judges no image never loads them). */
const decoders = (() => {
  let loaded: { jpeg: typeof import('jpeg-js'); pngjs: typeof import('pngjs') } | undefined;
  return () => {
    if (!loaded) {
      const require = createRequire(import.meta.url);
      loaded = { jpeg: require('jpeg-js') as typeof import('jpeg-js'), pngjs: require('pngjs') as typeof import('pngjs') };
    }
    return loaded;
  };
})();

/**
 * Reads PNG or JPEG bytes as a decoder does (not just the header), so a truncated or corrupt image is
 * caught. Baseline JPEGs and 8-bit PNGs are walked without computing pixels (src/media: every segment,
 * CRC and Huffman code, the pixel data inflated to its declared size), which refuses what a decoder
 * refuses at a fraction of its time and memory; other codings are decoded fully with jpeg-js / pngjs.
 */
export function decodeImage(bytes: Uint8Array): ImageDecode {
  if (bytes.length === 0) return { ok: false, reason: 'the image is empty (0 bytes)' };
  const type = sniffMediaType(bytes);
  try {
    if (type === 'image/png') {
      const info = inspectPng(bytes);
      if (isFullyInspected(info, bytes)) return { ok: true, type, width: info.width, height: info.height };
      const png = decoders().pngjs.PNG.sync.read(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
      return { ok: true, type, width: png.width, height: png.height };
    }
    if (type === 'image/jpeg') {
      const verdict = verifyJpeg(bytes);
      if (verdict.ok === false) throw new Error(verdict.reason);
      if (verdict.ok === true) return { ok: true, type, width: verdict.width, height: verdict.height };
      const image = decoders().jpeg.decode(bytes, { useTArray: true, maxMemoryUsageInMB: 1024 });
      return { ok: true, type, width: image.width, height: image.height };
    }
  } catch (cause) {
    return { ok: false, reason: `the ${type} does not decode: ${(cause as Error).message}` };
  }
  return { ok: false, reason: `the bytes are not a PNG or JPEG image (${type ?? 'unrecognised'}, ${bytes.length} bytes)` };
}

const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];

/** Walks ADTS AAC frames (what Aura answers for `encoding: aac`); undefined unless the bytes start with one. */
function parseAdts(bytes: Uint8Array): { frames: number; durationSeconds: number } | undefined {
  // ADTS shares MPEG audio's 12-bit sync but has layer 00, which MPEG audio never uses.
  if (bytes.length < 7 || bytes[0] !== 0xff || (bytes[1]! & 0xf6) !== 0xf0) return undefined;
  let at = 0;
  let frames = 0;
  let seconds = 0;
  while (at + 7 <= bytes.length && bytes[at] === 0xff && (bytes[at + 1]! & 0xf6) === 0xf0) {
    const rate = ADTS_RATES[(bytes[at + 2]! >> 2) & 0xf];
    const length = ((bytes[at + 3]! & 0x3) << 11) | (bytes[at + 4]! << 3) | (bytes[at + 5]! >> 5);
    if (!rate || length < 7 || at + length > bytes.length) break;
    frames++;
    seconds += (1024 * ((bytes[at + 6]! & 0x3) + 1)) / rate;
    at += length;
  }
  return { frames, durationSeconds: seconds };
}

/** Decodes the container of MP3, WAV or ADTS AAC bytes; OGG and FLAC are recognised by signature only. */
export function decodeAudio(bytes: Uint8Array): AudioDecode {
  if (bytes.length === 0) return { ok: false, reason: 'the audio is empty (0 bytes)' };
  const adts = parseAdts(bytes);
  if (adts) {
    if (adts.frames === 0) return { ok: false, reason: `no whole ADTS AAC frame in ${bytes.length} bytes` };
    return { ok: true, type: 'audio/aac', durationSeconds: adts.durationSeconds };
  }
  const type = sniffMediaType(bytes);
  if (type === 'audio/mpeg') {
    const info = parseMp3Frames(bytes);
    if (!info || info.frames === 0) return { ok: false, reason: `no whole MPEG audio frame in ${bytes.length} bytes` };
    return { ok: true, type, durationSeconds: info.durationSeconds };
  }
  if (type === 'audio/wav') {
    const info = parseWav(bytes);
    if (!info) return { ok: false, reason: 'the RIFF/WAVE header does not parse (no fmt or data chunk)' };
    return { ok: true, type, durationSeconds: info.durationSeconds };
  }
  if (type === 'audio/ogg' || type === 'audio/flac') return { ok: true, type };
  return { ok: false, reason: `the bytes are not MP3, AAC, WAV, OGG or FLAC audio (${type ?? 'unrecognised'}, ${bytes.length} bytes)` };
}

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

/** Decodes standard base64 (RFC 4648 §4), or undefined when the text is not base64. */
export function decodeBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/\s+/g, '');
  if (!BASE64.test(compact) || compact.length % 4 === 1) return undefined;
  return new Uint8Array(Buffer.from(compact, 'base64'));
}

/**
 * The media type Deepgram Aura answers for an input's `encoding` / `container` (Deepgram's documented pairs);
 * undefined when the input leaves both to the model's default.
 */
export function requestedAudioType(input: Record<string, unknown> | undefined): string | undefined {
  if (!input) return undefined;
  if (input.container === 'wav') return 'audio/wav';
  if (input.container === 'ogg') return 'audio/ogg';
  switch (input.encoding) {
    case 'mp3':
      return 'audio/mpeg';
    case 'flac':
      return 'audio/flac';
    case 'opus':
      return 'audio/ogg';
    case 'aac':
      return 'audio/aac';
    case 'linear16':
    case 'mulaw':
    case 'alaw':
      // Raw samples without a container have no media type of their own to promise.
      return input.container === undefined || input.container === 'none' ? 'audio/*' : undefined;
    default:
      return undefined;
  }
}
