/**
 * @module Speech recognition semantics: word and segment times are ordered (start ≤ end, starts never go back),
 * for whisper (`words`), whisper-large-v3-turbo (`segments[].words`) and Deepgram (`results.channels[].alternatives[].words`).
 */
import { isObject } from '../_internals/exchange.js';
import { at, docsOnly, num, problem, type Problem } from '../_internals/problem.js';
import { rangeProblems, type TaskSemantics } from './answer.js';

/**
 * Timed items in order: each start ≤ its end, no time below 0, and each start ≥ the previous start.
 * Warnings: the schemas give start/end only; the order is what the docs' examples show, not a documented
 * or observed guarantee (recognisers can emit overlapping words).
 */
export function timeOrderProblems(items: unknown, path: string, what: string): Problem[] {
  if (!Array.isArray(items)) return [];
  const problems: Problem[] = [];
  let previous: number | undefined;
  items.forEach((item, i) => {
    if (!isObject(item)) return;
    const { start, end } = item;
    if (typeof start === 'number' && start < 0) problems.push(problem(at(path, i, 'start'), `is ${num(start)}, expected a time ≥ 0 seconds`, '≥ 0', num(start)));
    if (typeof start === 'number' && typeof end === 'number' && end < start) {
      problems.push(problem(at(path, i, 'end'), `is ${num(end)}, before its start ${num(start)}, expected start ≤ end`, `≥ ${num(start)}`, num(end)));
    }
    if (typeof start === 'number') {
      if (previous !== undefined && start < previous) {
        problems.push(problem(at(path, i, 'start'), `is ${num(start)}, before the previous ${what}'s start ${num(previous)}, expected ${what}s in time order`, `≥ ${num(previous)}`, num(start)));
      }
      previous = start;
    }
  });
  return docsOnly(problems);
}

/** output.semantics for automatic speech recognition. */
export const speechRecognitionSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json' || !isObject(answer.result)) return [];
  const { result } = answer;
  const { base } = context;
  const problems = [...timeOrderProblems(result.words, at(base, 'words'), 'word'), ...timeOrderProblems(result.segments, at(base, 'segments'), 'segment')];
  if (Array.isArray(result.segments)) {
    result.segments.forEach((segment, i) => {
      if (!isObject(segment)) return;
      problems.push(...timeOrderProblems(segment.words, at(base, 'segments', i, 'words'), 'word'));
      problems.push(...rangeProblems(segment.no_speech_prob, at(base, 'segments', i, 'no_speech_prob'), 0, 1, 'a probability'));
    });
  }
  if (isObject(result.transcription_info)) {
    problems.push(...rangeProblems(result.transcription_info.language_probability, at(base, 'transcription_info', 'language_probability'), 0, 1, 'a probability'));
  }
  const channels = isObject(result.results) && Array.isArray(result.results.channels) ? result.results.channels : [];
  channels.forEach((channel, c) => {
    if (!isObject(channel) || !Array.isArray(channel.alternatives)) return;
    channel.alternatives.forEach((alternative, a) => {
      if (!isObject(alternative)) return;
      const path = at(base, 'results', 'channels', c, 'alternatives', a);
      problems.push(...rangeProblems(alternative.confidence, at(path, 'confidence'), 0, 1, 'a confidence'));
      problems.push(...timeOrderProblems(alternative.words, at(path, 'words'), 'word'));
    });
  });
  return problems;
};
