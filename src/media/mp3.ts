/** @module MPEG audio Layer III: silent frames that any MP3 decoder plays, and a frame walker to judge MP3 bytes. */

/*
 * Why silent frames: a Layer III encoder (MDCT, psychoacoustics, Huffman big-values) is far too much for
 * fake speech. A frame whose side information is all zero (part2_3_length 0, global_gain 0) carries no
 * spectral data, and decoders render it as silence. A run of such frames behind valid headers is a
 * real, decodable MP3 whose length is exactly what was asked for.
 */

/** kbps by bitrate index: MPEG-1 Layer III, and MPEG-2/2.5 Layer III. Index 0 (free) and 15 (bad) are 0. */
const BITRATES_V1 = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 0];
const BITRATES_V2 = [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160, 0];
const SAMPLE_RATES_V1 = [44100, 48000, 32000];

/** The frames `encodeSilentMp3` writes: MPEG-1 Layer III, 48 kHz, 32 kbps, mono, no CRC → 96 bytes, 1152 samples. */
const FRAME_HEADER = Uint8Array.of(0xff, 0xfb, 0x14, 0xc0);
const FRAME_BYTES = 96;
const FRAME_SAMPLES = 1152;
const SAMPLE_RATE = 48000;

/** An MP3 of `durationSeconds` (rounded up to whole 24 ms frames, at least one frame) of silence. */
export function encodeSilentMp3(durationSeconds: number): Uint8Array {
  const frames = Math.max(1, Math.ceil((Math.max(0, durationSeconds) * SAMPLE_RATE) / FRAME_SAMPLES));
  const out = new Uint8Array(frames * FRAME_BYTES); // side info and main data stay zero
  for (let i = 0; i < frames; i++) out.set(FRAME_HEADER, i * FRAME_BYTES);
  return out;
}

/** One parsed Layer III frame header. */
export interface Mp3FrameHeader {
  /** 1, 2 or 2.5. */
  version: 1 | 2 | 2.5;
  bitrateKbps: number;
  sampleRate: number;
  channels: 1 | 2;
  /** Whole frame length in bytes, header included. */
  length: number;
  samples: number;
}

/** Parses the 4-byte Layer III frame header at `offset`, or undefined when there is none. */
export function parseMp3FrameHeader(bytes: Uint8Array, offset: number): Mp3FrameHeader | undefined {
  if (offset + 4 > bytes.length) return undefined;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const b3 = bytes[offset + 3]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return undefined;
  const versionBits = (b1 >> 3) & 3; // 0: 2.5, 1: reserved, 2: 2, 3: 1
  const layerBits = (b1 >> 1) & 3; // 1: Layer III
  if (versionBits === 1 || layerBits !== 1) return undefined;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const bitrateKbps = (version === 1 ? BITRATES_V1 : BITRATES_V2)[b2 >> 4]!;
  const rateIndex = (b2 >> 2) & 3;
  if (bitrateKbps === 0 || rateIndex === 3) return undefined;
  const sampleRate = SAMPLE_RATES_V1[rateIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4);
  const padding = (b2 >> 1) & 1;
  const samples = version === 1 ? 1152 : 576;
  const length = Math.floor(((samples / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  return { version, bitrateKbps, sampleRate, channels: b3 >> 6 === 3 ? 1 : 2, length, samples };
}

/** What `parseMp3Frames` found. */
export interface Mp3Info {
  frames: number;
  durationSeconds: number;
  /** Of the first frame. */
  sampleRate: number;
  bitrateKbps: number;
  channels: 1 | 2;
  /** Bytes after the last whole frame (an ID3v1 tag or garbage); 0 for a clean file. */
  trailingBytes: number;
}

/**
 * Walks an MP3: an optional ID3v2 tag, then back-to-back Layer III frames until the bytes end.
 * Undefined when no frame starts where one must; a trailing ID3v1 tag or partial frame is reported
 * in `trailingBytes` rather than rejected.
 */
export function parseMp3Frames(bytes: Uint8Array): Mp3Info | undefined {
  let offset = 0;
  if (bytes.length >= 10 && bytes[0] === 0x49 && bytes[1] === 0x44 && bytes[2] === 0x33) {
    // ID3v2: 10-byte header, then a 28-bit "syncsafe" size (7 bits per byte), plus a footer flag.
    const size = ((bytes[6]! & 0x7f) << 21) | ((bytes[7]! & 0x7f) << 14) | ((bytes[8]! & 0x7f) << 7) | (bytes[9]! & 0x7f);
    offset = 10 + size + (bytes[5]! & 0x10 ? 10 : 0);
  }
  const first = parseMp3FrameHeader(bytes, offset);
  if (!first) return undefined;
  let frames = 0;
  let samples = 0; // whole samples, divided once at the end so the duration has no rounding drift
  for (;;) {
    const header = parseMp3FrameHeader(bytes, offset);
    if (!header || offset + header.length > bytes.length) break;
    frames++;
    samples += (header.samples * first.sampleRate) / header.sampleRate;
    offset += header.length;
  }
  return {
    frames,
    durationSeconds: samples / first.sampleRate,
    sampleRate: first.sampleRate,
    bitrateKbps: first.bitrateKbps,
    channels: first.channels,
    trailingBytes: bytes.length - offset,
  };
}
