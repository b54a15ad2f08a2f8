/** @module MP3 frame writer and walker. */
import { describe, expect, it } from 'vitest';
import { encodeSilentMp3, parseMp3FrameHeader, parseMp3Frames } from '../../../src/media/mp3.js';
import { sniffMediaType } from '../../../src/media/sniff.js';

describe('mp3', () => {
  it.each([0, 0.01, 1, 2.5, 30])('writes whole frames covering %f seconds', (seconds) => {
    const mp3 = encodeSilentMp3(seconds);
    const frames = Math.max(1, Math.ceil((seconds * 48000) / 1152));
    expect(mp3.length).toBe(frames * 96);
    expect(sniffMediaType(mp3)).toBe('audio/mpeg');
    const info = parseMp3Frames(mp3)!;
    expect(info).toMatchObject({ frames, sampleRate: 48000, bitrateKbps: 32, channels: 1, trailingBytes: 0 });
    expect(info.durationSeconds).toBeCloseTo((frames * 1152) / 48000, 9);
    expect(info.durationSeconds).toBeGreaterThanOrEqual(seconds);
  });

  it('parses a common MPEG-1 128 kbps 44.1 kHz stereo header', () => {
    expect(parseMp3FrameHeader(Uint8Array.of(0xff, 0xfb, 0x90, 0x44), 0)).toEqual({ version: 1, bitrateKbps: 128, sampleRate: 44100, channels: 2, length: 417, samples: 1152 });
    expect(parseMp3FrameHeader(Uint8Array.of(0xff, 0xfb, 0x92, 0x44), 0)?.length).toBe(418); // padding
    expect(parseMp3FrameHeader(Uint8Array.of(0xff, 0xf3, 0x90, 0xc4), 0)).toMatchObject({ version: 2, sampleRate: 22050, samples: 576 });
  });

  it('skips an ID3v2 tag and reports trailing bytes', () => {
    const frames = encodeSilentMp3(0.1);
    const id3 = Uint8Array.of(0x49, 0x44, 0x33, 4, 0, 0, 0, 0, 0, 5, 1, 2, 3, 4, 5);
    const withTag = new Uint8Array([...id3, ...frames, 0x54, 0x41, 0x47]);
    expect(parseMp3Frames(withTag)).toMatchObject({ frames: frames.length / 96, trailingBytes: 3 });
  });

  it('rejects bytes that are not Layer III frames', () => {
    expect(parseMp3Frames(new TextEncoder().encode('not an mp3 file at all'))).toBeUndefined();
    expect(parseMp3FrameHeader(Uint8Array.of(0xff, 0xfd, 0x90, 0x44), 0)).toBeUndefined(); // Layer II
    expect(parseMp3FrameHeader(Uint8Array.of(0xff, 0xfb, 0xf0, 0x44), 0)).toBeUndefined(); // bad bitrate
  });
});
