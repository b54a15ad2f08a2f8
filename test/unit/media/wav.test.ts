/** @module WAV encoder and parser. */
import { describe, expect, it } from 'vitest';
import { encodeWav, parseWav } from '../../../src/media/wav.js';

describe('wav', () => {
  it('round-trips 16-bit mono PCM', () => {
    const samples = Int16Array.from({ length: 8000 }, (_, i) => Math.round(Math.sin(i / 10) * 32767));
    const wav = encodeWav(samples, 16000);
    expect(wav.length).toBe(44 + 16000);
    expect(parseWav(wav)).toEqual({ format: 1, channels: 1, sampleRate: 16000, bitsPerSample: 16, dataOffset: 44, dataLength: 16000, durationSeconds: 0.5 });
    const view = new DataView(wav.buffer);
    expect(view.getInt16(44 + 2 * 123, true)).toBe(samples[123]);
  });

  it('walks other chunks (odd-sized, padded) before data', () => {
    const plain = encodeWav(new Int16Array(100), 8000);
    const list = Uint8Array.of(...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0);
    const wav = new Uint8Array(plain.length + list.length);
    wav.set(plain.subarray(0, 36));
    wav.set(list, 36);
    wav.set(plain.subarray(36), 36 + list.length);
    expect(parseWav(wav)).toMatchObject({ dataOffset: 44 + list.length, dataLength: 200, durationSeconds: 100 / 8000 });
  });

  it('returns undefined for other bytes', () => {
    expect(parseWav(new TextEncoder().encode('RIFF....AVI LIST'))).toBeUndefined();
    expect(parseWav(new Uint8Array(3))).toBeUndefined();
  });
});
