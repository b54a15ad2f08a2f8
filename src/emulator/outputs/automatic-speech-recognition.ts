/** @module Speech recognition: a seeded transcript timed over the audio's real duration, in whisper, whisper-turbo or Deepgram shape. */
import type { Rng } from '../rng.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { proseTokens, round } from './fake-text.js';
import { audioDuration, inputBytes } from './inputs.js';
import { declaredProperties, exampleOutput, keepDeclared, perModel } from './schema-shape.js';

/** Speaking rate used to size transcripts: 2.5 words per second, at most 500 words. */
const WORDS_PER_SECOND = 2.5;
const MAX_WORDS = 500;
/** Words per WebVTT cue and per whisper-turbo segment. */
const CUE_WORDS = 8;
const SEGMENT_WORDS = 12;

/** A transcribed word with its time span in seconds. */
export interface TimedWord {
  word: string;
  start: number;
  end: number;
}

/** Words spread over `duration` in order: word i starts in its i-th slot and ends before slot i+1 begins. */
export function timedWords(rng: Rng, duration: number): TimedWord[] {
  const count = Math.min(MAX_WORDS, Math.max(1, Math.round(duration * WORDS_PER_SECOND)));
  const tokens = proseTokens(rng, count);
  const slot = duration / count;
  return tokens.map((token, i) => {
    const start = i * slot + rng.next() * slot * 0.1;
    return { word: token.trim(), start: round(start, 3), end: round(start + slot * (0.6 + rng.next() * 0.3), 3) };
  });
}

function timestamp(seconds: number): string {
  const ms = Math.round(seconds * 1000);
  const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
  return `${pad(Math.floor(ms / 3_600_000))}:${pad(Math.floor(ms / 60_000) % 60)}:${pad(Math.floor(ms / 1000) % 60)}.${pad(ms % 1000, 3)}`;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/** A WebVTT document: the `WEBVTT` header, then one cue per `CUE_WORDS` words. */
export function toWebVtt(words: readonly TimedWord[]): string {
  let vtt = 'WEBVTT\n\n';
  for (const cue of chunks(words, CUE_WORDS)) {
    vtt += `${timestamp(cue[0]!.start)} --> ${timestamp(cue.at(-1)!.end)}\n${cue.map((w) => w.word).join(' ')}\n\n`;
  }
  return vtt;
}

type Shape = 'whisper' | 'whisper-turbo' | 'deepgram' | 'other';

const shapeOf = perModel((contract, model): { shape: Shape; declared: Set<string> } => {
  const declared = declaredProperties(contract, model);
  const shape: Shape = declared.has('results') ? 'deepgram' : declared.has('segments') ? 'whisper-turbo' : declared.has('text') ? 'whisper' : 'other';
  return { shape, declared };
});

function transcribe(context: OutputContext): { duration: number; words: TimedWord[]; text: string } {
  const duration = round(audioDuration(inputBytes(context, 'audio')), 3);
  const words = timedWords(context.rng, duration);
  return { duration, words, text: words.map((w) => w.word).join(' ') };
}

/**
 * whisper: `{text, word_count, words, vtt}`; whisper-large-v3-turbo: `{text, word_count, segments, vtt,
 * transcription_info}`; nova-3: Deepgram's `{results: {channels: [{alternatives: [...]}]}}`. Other shapes
 * (websocket models' events) get a schema-valid example carrying the transcript.
 */
export const automaticSpeechRecognition: OutputMaker = {
  make(context) {
    const { shape, declared } = shapeOf(context.contract, context.model);
    const { duration, words, text } = transcribe(context);
    const { rng, input } = context;
    if (shape === 'deepgram') {
      const alternative = {
        confidence: round(0.85 + rng.next() * 0.15, 4),
        transcript: text,
        words: words.map((w) => ({ word: w.word.replace(/[.,!?]$/, '').toLowerCase(), start: w.start, end: w.end, confidence: round(0.8 + rng.next() * 0.2, 4) })),
      };
      return { kind: 'json', result: { results: { channels: [{ alternatives: [alternative] }] } } };
    }
    if (shape === 'whisper-turbo') {
      const segments = chunks(words, SEGMENT_WORDS).map((segment) => ({
        start: segment[0]!.start,
        end: segment.at(-1)!.end,
        text: segment.map((w) => w.word).join(' '),
        temperature: 0,
        avg_logprob: round(-0.1 - rng.next() * 0.3, 4),
        compression_ratio: round(1.1 + rng.next() * 0.5, 4),
        no_speech_prob: round(rng.next() * 0.05, 4),
        words: segment,
      }));
      const transcription_info = {
        language: typeof input.language === 'string' ? input.language : 'en',
        language_probability: round(0.9 + rng.next() * 0.1, 4),
        duration,
        duration_after_vad: duration,
      };
      return { kind: 'json', result: keepDeclared({ text, word_count: words.length, segments, vtt: toWebVtt(words), transcription_info }, declared) };
    }
    if (shape === 'whisper') {
      return { kind: 'json', result: keepDeclared({ text, word_count: words.length, words, vtt: toWebVtt(words), duration }, declared) };
    }
    return { kind: 'json', result: exampleOutput(context, { text, transcript: text }) };
  },
};
