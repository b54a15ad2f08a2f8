/** @module Speech recognition: a seeded transcript timed over the audio's real duration, in whisper, whisper-turbo or Deepgram shape. */
import type { Rng } from '../rng.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { proseTokens, round } from './fake-text.js';
import { audioDuration, inputBytes } from './inputs.js';
import { declaredProperties, declares, exampleOutput, keepDeclared, perModel } from './schema-shape.js';

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

/** Deepgram's break point: a sentiment_score of +1/3 or more is positive, -1/3 or less negative, else neutral. */
const SENTIMENT_THRESHOLD = 1 / 3;
/** Words per sentiment segment (Deepgram segments by sentence; the emulator's transcripts have no sentences). */
const SENTIMENT_WORDS = 12;

function sentimentOf(score: number): { sentiment: string; sentiment_score: number } {
  const sentiment = score >= SENTIMENT_THRESHOLD ? 'positive' : score <= -SENTIMENT_THRESHOLD ? 'negative' : 'neutral';
  return { sentiment, sentiment_score: round(score, 4) };
}

/**
 * Deepgram's answer to `sentiment: true` (developers.deepgram.com/docs/sentiment-analysis and its example):
 * `results.sentiments` with `segments` (text, start_word and end_word: first and last word index, inclusive;
 * sentiment, sentiment_score in [-1, 1]) and their `average`. Cloudflare's nova-3 output type declares
 * exactly these members. (`summary` needs Deepgram's `summarize`, which nova-3's input does not offer.)
 */
function sentiments(rng: Rng, words: readonly TimedWord[]): { segments: unknown[]; average: unknown } {
  let total = 0;
  const segments = chunks(words, SENTIMENT_WORDS).map((segment, i) => {
    const score = rng.next() * 2 - 1;
    total += score * segment.length;
    const start = i * SENTIMENT_WORDS;
    return { text: segment.map((w) => w.word).join(' '), start_word: start, end_word: start + segment.length - 1, ...sentimentOf(score) };
  });
  return { segments, average: sentimentOf(words.length ? total / words.length : 0) };
}

const declaresSentiments = perModel((contract, model) => declares(contract, model, ['results', 'sentiments']));

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
      const results: Record<string, unknown> = { channels: [{ alternatives: [alternative] }] };
      if (input.sentiment === true && declaresSentiments(context.contract, context.model)) results.sentiments = sentiments(rng, words);
      return { kind: 'json', result: { results } };
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
