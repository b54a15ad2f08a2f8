/**
 * @module Decision answers (text generation's `decisions` style, Cloudflare's Clef): `{model, answers, usage}`, one
 * answer per question of the request, by its type.
 */
import type { ModelEntry } from '../../contract/types.js';
import type { Rng } from '../rng.js';
import type { OutputContext, OutputMaker } from '../types.js';
import { countWords, round, softmax } from './fake-text.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Probabilities over `n` options from seeded logits, four decimals as the live answers give them, summing to
 * exactly 1 (the largest absorbs the rounding).
 */
function probabilities(n: number, rng: Rng): number[] {
  const p = softmax(Array.from({ length: n }, () => rng.next() * 6 - 3)).map((v) => round(v, 4));
  const top = p.indexOf(Math.max(...p));
  p[top] = round(1 - p.reduce((sum, v, i) => (i === top ? sum : sum + v), 0), 4);
  return p;
}

/**
 * How certain a distribution is: 0 when uniform, 1 when one option has it all. The live answers' confidence is
 * `(n·Σp² − 1) / (n − 1)` to four decimals (all eight recorded choice and score answers, e.g. 0.9851/0.0149 →
 * 0.9413); the docs say only "derived from the probabilities".
 */
export function decisionConfidence(p: readonly number[]): number {
  if (p.length < 2) return 1;
  const squares = p.reduce((sum, v) => sum + v * v, 0);
  return round(Math.max(0, Math.min(1, (p.length * squares - 1) / (p.length - 1))), 4);
}

function answer(question: Obj, rng: Rng): Obj {
  if (question.type === 'choice') {
    const options = isObject(question.criteria) ? Object.keys(question.criteria) : [];
    const p = probabilities(options.length, rng);
    const best = p.indexOf(Math.max(...p));
    return { type: 'choice', choice: options[best] ?? '', probabilities: Object.fromEntries(options.map((o, i) => [o, p[i]])), confidence: decisionConfidence(p) };
  }
  if (question.type === 'score') {
    const levels = Array.isArray(question.criteria) ? question.criteria : [];
    const p = probabilities(levels.length, rng);
    return {
      type: 'score',
      // The probability-weighted level, as the docs define it and the live answers compute it.
      score: round(p.reduce((sum, v, i) => sum + v * i, 0), 4),
      legend: Object.fromEntries(levels.map((level, i) => [String(i), level])),
      probabilities: Object.fromEntries(p.map((v, i) => [String(i), v])),
      confidence: decisionConfidence(p),
    };
  }
  return { type: 'noul', noul: round(rng.next(), 4) };
}

/**
 * A stand-in token count: a fixed prompt overhead, the words of the state and the questions, and a block per image
 * (live answers: 143 to 158 tokens for one short question, 295 for three, 382 with an image).
 */
function inputTokens(input: Obj): number {
  const images = Array.isArray(input.images) ? input.images.length : 0;
  return 100 + countWords(JSON.stringify(input.state ?? '')) + countWords(JSON.stringify(input.questions ?? {})) + 90 * images;
}

/**
 * `model` answers the model's short name, as the live answers do (`"clef-flash"` for @cf/cloudflare/clef-flash);
 * whether a body naming the other Clef model changes it was not seen, so the path's model answers.
 */
function shortName(model: ModelEntry): string {
  return model.id.slice(model.id.lastIndexOf('/') + 1);
}

/** One answer per question, keyed by its id; `output_tokens` 0, as every live answer has it (output is not billed). */
export const decisions: OutputMaker = {
  make({ input, model, rng }: OutputContext) {
    const questions = isObject(input.questions) ? Object.entries(input.questions) : [];
    const answers = Object.fromEntries(questions.map(([id, question]) => [id, answer(isObject(question) ? question : {}, rng)]));
    return { kind: 'json', result: { model: shortName(model), answers, usage: { input_tokens: inputTokens(input), output_tokens: 0 } } };
  },
};
