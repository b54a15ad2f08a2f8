/** @module Text-to-speech: real audio bytes (MP3 frames, or 16-bit WAV for `linear16`) as long as the text takes to say. */
import { encodeSilentMp3 } from '../../media/mp3.js';
import { encodeWav } from '../../media/wav.js';
import { encodeSilentAdts, encodeSilentFlac, encodeSilentOggOpus } from './audio-containers.js';
import type { Rng } from '../rng.js';
import type { OutputMaker } from '../types.js';
import { countWords } from './fake-text.js';
import { numberInput } from './inputs.js';

/** Speaking time per word, and the shortest answer. */
const SECONDS_PER_WORD = 0.32;
const MIN_SECONDS = 0.6;
const WAV_SAMPLE_RATE = 24_000;
/** MeloTTS' WAV as measured live: 44.1 kHz, mono, 16-bit (spec/tasks/text-to-speech.yaml#/$defs/base64-output). */
const MELOTTS_SAMPLE_RATE = 44_100;

/** How long the text takes to say, in seconds. */
export function speechDuration(text: string): number {
  return Math.max(MIN_SECONDS, countWords(text) * SECONDS_PER_WORD);
}

/**
 * Speech-like 16-bit PCM: one voiced "syllable" per word slot (a 110–220 Hz tone with two harmonics under
 * a raised-cosine envelope) separated by short pauses, so waveform views look like speech.
 */
export function speechSamples(duration: number, sampleRate: number, rng: Rng): Int16Array {
  const samples = new Int16Array(Math.ceil(duration * sampleRate));
  const slot = Math.round(SECONDS_PER_WORD * sampleRate);
  for (let start = 0; start < samples.length; start += slot) {
    const pitch = 110 + rng.next() * 110;
    const voiced = Math.min(samples.length - start, Math.round(slot * 0.8));
    for (let i = 0; i < voiced; i++) {
      const t = i / sampleRate;
      const envelope = 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / voiced);
      const wave = Math.sin(2 * Math.PI * pitch * t) + 0.5 * Math.sin(4 * Math.PI * pitch * t) + 0.25 * Math.sin(6 * Math.PI * pitch * t);
      samples[start + i] = Math.round(wave * envelope * 6000);
    }
  }
  return samples;
}

/**
 * Raw `audio/mpeg` for Deepgram Aura, or the container its `container` / `encoding` ask for (Deepgram's
 * pairs: `container: wav` or PCM encodings → WAV, `container: ogg` or `opus` → Ogg Opus, `flac`, `aac`);
 * MeloTTS-style models whose answer is the envelope get `{audio: base64 WAV}` (44.1 kHz mono 16-bit, as the
 * live API answers, not the MP3 the catalogue names).
 */
export const textToSpeech: OutputMaker = {
  make({ input, model, rng }) {
    const text = String(input.text ?? input.prompt ?? '');
    const duration = speechDuration(text);
    const { contentType, envelope } = model.facts.response;
    if (envelope) {
      const wav = encodeWav(speechSamples(duration, MELOTTS_SAMPLE_RATE, rng), MELOTTS_SAMPLE_RATE);
      return { kind: 'json', result: { audio: Buffer.from(wav.buffer, wav.byteOffset, wav.byteLength).toString('base64') } };
    }
    const pcm = input.encoding === 'linear16' || input.encoding === 'mulaw' || input.encoding === 'alaw';
    if (input.container === 'ogg' || (input.container !== 'wav' && input.encoding === 'opus')) {
      return { kind: 'binary', contentType: 'audio/ogg', bytes: encodeSilentOggOpus(duration) };
    }
    if (input.container !== 'wav' && input.encoding === 'flac') return { kind: 'binary', contentType: 'audio/flac', bytes: encodeSilentFlac(duration) };
    if (input.container !== 'wav' && input.encoding === 'aac') return { kind: 'binary', contentType: 'audio/aac', bytes: encodeSilentAdts(duration) };
    if (input.container === 'wav' || pcm) {
      const rate = Math.round(Math.min(48_000, Math.max(8_000, numberInput(input, 'sample_rate') ?? WAV_SAMPLE_RATE)));
      return { kind: 'binary', contentType: 'audio/wav', bytes: encodeWav(speechSamples(duration, rate, rng), rate) };
    }
    return { kind: 'binary', contentType: contentType.startsWith('audio/') ? contentType : 'audio/mpeg', bytes: encodeSilentMp3(duration) };
  },
};
