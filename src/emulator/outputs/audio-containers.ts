/**
 * @module Silent audio in the other containers Deepgram Aura answers when asked (`encoding` / `container`):
 * FLAC (constant subframes), Ogg Opus (the standard 20 ms silence packet) and ADTS AAC (the silent LC
 * frame players insert for gaps). Like the silent MP3 frames, each is a real stream of the asked length.
 */

const ascii = (text: string): number[] => [...text].map((c) => c.charCodeAt(0));

// ---------------------------------------------------------------------------------------------
// FLAC
// ---------------------------------------------------------------------------------------------

const FLAC_BLOCK = 4096;

function crc8(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte;
    for (let i = 0; i < 8; i++) crc = crc & 0x80 ? ((crc << 1) ^ 0x07) & 0xff : (crc << 1) & 0xff;
  }
  return crc;
}

function crc16(bytes: readonly number[]): number {
  let crc = 0;
  for (const byte of bytes) {
    crc ^= byte << 8;
    for (let i = 0; i < 8; i++) crc = crc & 0x8000 ? ((crc << 1) ^ 0x8005) & 0xffff : (crc << 1) & 0xffff;
  }
  return crc;
}

/** FLAC's UTF-8-like coding of a frame number. */
function flacNumber(n: number): number[] {
  if (n < 0x80) return [n];
  if (n < 0x800) return [0xc0 | (n >> 6), 0x80 | (n & 0x3f)];
  if (n < 0x10000) return [0xe0 | (n >> 12), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
  return [0xf0 | (n >> 18), 0x80 | ((n >> 12) & 0x3f), 0x80 | ((n >> 6) & 0x3f), 0x80 | (n & 0x3f)];
}

/** A mono 16-bit 24 kHz FLAC of `durationSeconds` of silence (STREAMINFO, then constant-subframe frames). */
export function encodeSilentFlac(durationSeconds: number, sampleRate = 24_000): Uint8Array {
  const total = Math.max(1, Math.ceil(Math.max(0, durationSeconds) * sampleRate));
  const out: number[] = [...ascii('fLaC')];
  // STREAMINFO, the last metadata block: 34 bytes.
  const info = new Uint8Array(34);
  const view = new DataView(info.buffer);
  view.setUint16(0, FLAC_BLOCK);
  view.setUint16(2, FLAC_BLOCK);
  // sample rate (20 bits) | channels - 1 (3) | bits per sample - 1 (5) | total samples (36), big-endian from byte 10.
  const packed = (BigInt(sampleRate) << 44n) | (0n << 41n) | (15n << 36n) | BigInt(total);
  for (let i = 0; i < 8; i++) info[10 + i] = Number((packed >> BigInt(8 * (7 - i))) & 0xffn);
  out.push(0x80, 0, 0, 34, ...info); // MD5 stays zero: "not computed"
  const rateCode = sampleRate === 24_000 ? 0x7 : sampleRate === 16_000 ? 0x5 : sampleRate === 48_000 ? 0xa : 0x0;
  for (let start = 0, frame = 0; start < total; start += FLAC_BLOCK, frame++) {
    const block = Math.min(FLAC_BLOCK, total - start);
    // Sync + fixed blocking; block size from a 16-bit field at the end of the header; mono; 16-bit samples.
    const header = [0xff, 0xf8, (0x7 << 4) | rateCode, (0x0 << 4) | (0x4 << 1), ...flacNumber(frame), (block - 1) >> 8, (block - 1) & 0xff];
    header.push(crc8(header));
    const body = [...header, 0x00, 0x00, 0x00]; // CONSTANT subframe, no wasted bits, value 0
    const crc = crc16(body);
    out.push(...body, crc >> 8, crc & 0xff);
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// Ogg Opus
// ---------------------------------------------------------------------------------------------

const OGG_CRC = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let r = i << 24;
    for (let j = 0; j < 8; j++) r = r & 0x80000000 ? (r << 1) ^ 0x04c11db7 : r << 1;
    table[i] = r >>> 0;
  }
  return table;
})();

function oggPage(packets: readonly number[][], flags: number, granule: number, sequence: number): number[] {
  const lacing = packets.flatMap((p) => [...Array<number>(Math.floor(p.length / 255)).fill(255), p.length % 255]);
  const page = [...ascii('OggS'), 0, flags];
  for (let i = 0; i < 8; i++) page.push(Math.floor(granule / 2 ** (8 * i)) & 0xff);
  page.push(0x57, 0x41, 0x49, 0x31); // stream serial number
  for (let i = 0; i < 4; i++) page.push((sequence >>> (8 * i)) & 0xff);
  page.push(0, 0, 0, 0, lacing.length, ...lacing, ...packets.flat());
  let crc = 0;
  for (const byte of page) crc = ((crc << 8) ^ OGG_CRC[((crc >>> 24) ^ byte) & 0xff]!) >>> 0;
  for (let i = 0; i < 4; i++) page[22 + i] = (crc >>> (8 * i)) & 0xff;
  return page;
}

/** The 20 ms mono CELT packet that decodes to silence. */
const OPUS_SILENCE = [0xf8, 0xff, 0xfe];
const OPUS_PRE_SKIP = 312;

/** An Ogg Opus file of `durationSeconds` of silence (OpusHead, OpusTags, then 20 ms packets). */
export function encodeSilentOggOpus(durationSeconds: number): Uint8Array {
  const packets = Math.max(1, Math.ceil(Math.max(0, durationSeconds) / 0.02));
  const head = [...ascii('OpusHead'), 1, 1, OPUS_PRE_SKIP & 0xff, OPUS_PRE_SKIP >> 8, 0xc0, 0x5d, 0, 0, 0, 0, 0];
  const vendor = ascii('wai-conformance');
  const tags = [...ascii('OpusTags'), vendor.length, 0, 0, 0, ...vendor, 0, 0, 0, 0];
  const out = [...oggPage([head], 0x02, 0, 0), ...oggPage([tags], 0, 0, 1)];
  for (let sent = 0, sequence = 2; sent < packets; sequence++) {
    const count = Math.min(255, packets - sent);
    sent += count;
    out.push(...oggPage(Array.from({ length: count }, () => OPUS_SILENCE), sent === packets ? 0x04 : 0, sent * 960 + OPUS_PRE_SKIP, sequence));
  }
  return Uint8Array.from(out);
}

// ---------------------------------------------------------------------------------------------
// ADTS AAC
// ---------------------------------------------------------------------------------------------

/** A silent AAC-LC mono raw data block (1024 samples). */
const AAC_SILENCE = [0x00, 0xc8, 0x00, 0x80, 0x23, 0x80];
const ADTS_RATES = [96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025, 8000];

/** An ADTS AAC-LC stream (mono, 24 kHz) of `durationSeconds` of silence. */
export function encodeSilentAdts(durationSeconds: number, sampleRate = 24_000): Uint8Array {
  const index = Math.max(0, ADTS_RATES.indexOf(sampleRate));
  const rate = ADTS_RATES[index]!;
  const frames = Math.max(1, Math.ceil((Math.max(0, durationSeconds) * rate) / 1024));
  const length = 7 + AAC_SILENCE.length;
  // MPEG-4, no CRC | profile LC (1) | rate index | channel configuration 1 | frame length | buffer fullness 0x7ff.
  const header = [0xff, 0xf1, (1 << 6) | (index << 2), (1 << 6) | (length >> 11), (length >> 3) & 0xff, ((length & 0x7) << 5) | 0x1f, 0xfc];
  const out = new Uint8Array(frames * length);
  for (let i = 0; i < frames; i++) out.set([...header, ...AAC_SILENCE], i * length);
  return out;
}
