/** @module Text-to-speech semantics: the audio (raw bytes, or base64 in `audio`) decodes as the media type asked for. */
import { isObject } from '../_internals/exchange.js';
import { decodeAudio, decodeBase64, requestedAudioType } from '../_internals/media.js';
import { at, problem, shortJson, type Problem } from '../_internals/problem.js';
import type { SemanticsContext, TaskSemantics } from './answer.js';

/** Audio bytes decode (MP3 frames, a WAV header; OGG/FLAC by signature) and hold at least one frame. */
export function audioProblems(bytes: Uint8Array, path: string, context: SemanticsContext): Problem[] {
  // Headerless samples (linear16/mulaw/alaw without a container) have nothing to decode but their length.
  if (requestedAudioType(context.input) === 'audio/*') return bytes.length > 0 ? [] : [problem(path, 'is empty, expected audio samples', 'audio bytes', '0 bytes')];
  const decoded = decodeAudio(bytes);
  if (!decoded.ok) return [problem(path, `does not decode as audio: ${decoded.reason}`, 'decodable audio', decoded.reason)];
  if (decoded.durationSeconds === 0) return [problem(path, `decodes as ${decoded.type} of 0 seconds, expected some audio`, '> 0 s', '0 s')];
  return [];
}

/** output.semantics for text-to-speech. */
export const textToSpeechSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind === 'binary') return audioProblems(answer.bytes, context.base, context);
  const { result } = answer;
  if (!isObject(result) || typeof result.audio !== 'string') return [];
  const path = at(context.base, 'audio');
  const bytes = decodeBase64(result.audio);
  if (!bytes) return [problem(path, `is not base64: ${shortJson(result.audio, 40)}`, 'base64 audio bytes', shortJson(result.audio, 40))];
  return audioProblems(bytes, path, context);
};
