/** @module Translation semantics: a non-empty text is translated into a non-empty text, one translation per input text. */
import { isObject } from '../_internals/exchange.js';
import { at, problem, type Problem } from '../_internals/problem.js';
import { asyncProblems, nonEmptyTextProblems, textCount, type TaskSemantics } from './answer.js';

/** output.semantics for translation (m2m100 `translated_text`, indictrans2 `translations[]`, async batches). */
export const translationSemantics: TaskSemantics = (answer, context) => {
  if (answer.kind !== 'json') return [];
  const { result } = answer;
  const asyncFound = asyncProblems(result, context);
  if (asyncFound) return asyncFound;
  if (!isObject(result)) return [];
  const { base, input } = context;
  const problems: Problem[] = [];
  // Blank input may well translate to blank output (the contract allows an empty `text`).
  const texts = typeof input?.text === 'string' ? [input.text] : Array.isArray(input?.text) ? input.text : [];
  const blank = (i: number) => typeof texts[i] === 'string' && (texts[i] as string).trim() === '';
  if (!blank(0)) problems.push(...nonEmptyTextProblems(result.translated_text, at(base, 'translated_text'), 'a translation of the non-empty input text'));
  if (Array.isArray(result.translations)) {
    const count = textCount(input?.text);
    if (count !== undefined && result.translations.length !== count) {
      problems.push(problem(at(base, 'translations'), `has ${result.translations.length} translations, expected ${count} (one per input text)`, String(count), String(result.translations.length)));
    }
    result.translations.forEach((text, i) => {
      if (!blank(i)) problems.push(...nonEmptyTextProblems(text, at(base, 'translations', i), 'a translation of the non-empty input text'));
    });
  }
  return problems;
};
