/**
 * @module Decision-model semantics (text generation's `decisions` style, Cloudflare's Clef): one answer per question,
 * of its type, probabilities that sum to 1, the chosen option the most probable, the score the probability-weighted
 * level. Each rule is documented on the model's catalogue page and holds in all eight live answers of
 * fixtures/real/ (maruel/genai recordings, 2026-10-05), so a broken one is an error.
 */
import { isObject } from '../_internals/exchange.js';
import { at, capProblems, num, problem, shortJson, type Problem } from '../_internals/problem.js';

type Obj = Record<string, unknown>;

/** Live answers give probabilities to four decimals: sums and weighted levels are judged that closely. */
const TOLERANCE = 0.002;
/** Problems reported for one answer, at most (an answer may hold 64 questions of 255 options). */
const MAX_PROBLEMS = 50;

/** The option ids (choice) or level indexes (score) a question offers; undefined when the request is unknown. */
function offeredKeys(question: unknown): string[] | undefined {
  if (!isObject(question)) return undefined;
  if (question.type === 'choice' && isObject(question.criteria)) return Object.keys(question.criteria);
  if (question.type === 'score' && Array.isArray(question.criteria)) return question.criteria.map((_, i) => String(i));
  return undefined;
}

function probabilityProblems(answer: Obj, path: string, offered: string[] | undefined): Problem[] {
  const problems: Problem[] = [];
  const probabilities = isObject(answer.probabilities) ? answer.probabilities : undefined;
  if (!probabilities) return problems;
  const values = Object.values(probabilities).filter((v): v is number => typeof v === 'number');
  const sum = values.reduce((a, b) => a + b, 0);
  if (values.length > 0 && Math.abs(sum - 1) > TOLERANCE) {
    problems.push(problem(at(path, 'probabilities'), `sum to ${num(sum)}, expected 1 ("values sum to 1")`, '1', num(sum)));
  }
  if (offered) {
    const keys = Object.keys(probabilities);
    const missing = offered.filter((k) => !(k in probabilities));
    const extra = keys.filter((k) => !offered.includes(k));
    if (missing.length || extra.length) {
      problems.push(problem(at(path, 'probabilities'), `has ${shortJson(keys, 60)}, expected one probability per option of the question (${shortJson(offered, 60)})`, shortJson(offered, 60), shortJson(keys, 60)));
    }
  }
  return problems;
}

function choiceProblems(answer: Obj, path: string, offered: string[] | undefined): Problem[] {
  const problems = probabilityProblems(answer, path, offered);
  const probabilities = isObject(answer.probabilities) ? answer.probabilities : {};
  if (typeof answer.choice !== 'string') return problems;
  if (offered && !offered.includes(answer.choice)) {
    problems.push(problem(at(path, 'choice'), `is "${answer.choice}", expected one of the question's options (${offered.join(', ')})`, offered.join(', '), answer.choice));
    return problems;
  }
  const chosen = probabilities[answer.choice];
  const best = Math.max(...Object.values(probabilities).filter((v): v is number => typeof v === 'number'));
  if (typeof chosen === 'number' && chosen < best) {
    problems.push(problem(at(path, 'choice'), `is "${answer.choice}" (probability ${num(chosen)}), expected the highest-probability option (${num(best)})`, `probability ${num(best)}`, num(chosen)));
  }
  return problems;
}

function scoreProblems(answer: Obj, path: string, offered: string[] | undefined): Problem[] {
  const problems = probabilityProblems(answer, path, offered);
  const probabilities = isObject(answer.probabilities) ? answer.probabilities : {};
  if (isObject(answer.legend) && Object.keys(probabilities).length > 0) {
    const levels = Object.keys(probabilities);
    const legend = Object.keys(answer.legend);
    if (legend.length !== levels.length || legend.some((k) => !levels.includes(k))) {
      problems.push(problem(at(path, 'legend'), `has levels ${shortJson(legend, 60)}, expected the levels of probabilities (${shortJson(levels, 60)})`, shortJson(levels, 60), shortJson(legend, 60)));
    }
  }
  let weighted = 0;
  let complete = typeof answer.score === 'number';
  for (const [level, p] of Object.entries(probabilities)) {
    if (typeof p !== 'number' || !/^(0|[1-9][0-9]*)$/.test(level)) complete = false;
    else weighted += Number(level) * p;
  }
  if (complete && Math.abs((answer.score as number) - weighted) > TOLERANCE) {
    problems.push(problem(at(path, 'score'), `is ${num(answer.score as number)}, expected the probability-weighted level ${num(weighted)}`, num(weighted), num(answer.score as number)));
  }
  return problems;
}

/** output.semantics for a decision model's `{model, answers, usage}` on /ai/run. */
export function decisionProblems(result: Obj, base: string, input: Obj | undefined): Problem[] {
  const problems: Problem[] = [];
  const answers = isObject(result.answers) ? result.answers : undefined;
  const questions = isObject(input?.questions) ? input.questions : undefined;
  if (answers && questions) {
    const asked = Object.keys(questions);
    const missing = asked.filter((id) => !(id in answers));
    const extra = Object.keys(answers).filter((id) => !(id in questions));
    if (missing.length) problems.push(problem(at(base, 'answers'), `has no answer to ${shortJson(missing, 60)}, expected one answer per question`, shortJson(asked, 60), shortJson(Object.keys(answers), 60)));
    if (extra.length) problems.push(problem(at(base, 'answers'), `answers ${shortJson(extra, 60)}, which the request did not ask`, shortJson(asked, 60), shortJson(Object.keys(answers), 60)));
  }
  for (const [id, answer] of Object.entries(answers ?? {})) {
    if (!isObject(answer)) continue;
    const path = at(base, 'answers', id);
    const question = questions?.[id];
    if (isObject(question) && typeof question.type === 'string' && answer.type !== question.type) {
      problems.push(problem(at(path, 'type'), `is ${shortJson(answer.type)}, expected "${question.type}", the type of question "${id}"`, question.type, shortJson(answer.type)));
      continue;
    }
    const offered = offeredKeys(question);
    if (answer.type === 'choice') problems.push(...choiceProblems(answer, path, offered));
    else if (answer.type === 'score') problems.push(...scoreProblems(answer, path, offered));
  }
  const usage = isObject(result.usage) ? result.usage : {};
  for (const key of ['input_tokens', 'output_tokens']) {
    const value = usage[key];
    if (value !== undefined && (typeof value !== 'number' || !Number.isInteger(value) || value < 0)) {
      problems.push(problem(at(base, 'usage', key), `is ${shortJson(value)}, expected a whole number of tokens ≥ 0`, 'an integer ≥ 0', shortJson(value)));
    }
  }
  return capProblems(problems, MAX_PROBLEMS, 'decision problems');
}
