import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';

const CLEF = '@cf/cloudflare/clef-flash';

const judge = (input: Record<string, unknown>, result: unknown) => {
  const ex = runExchange(CLEF, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};

const REQUEST = {
  model: 'clef-flash',
  state: 'I was charged twice for my order. Please refund the duplicate charge today.',
  questions: {
    billing: { type: 'noul', instructions: 'Is the customer asking about billing?' },
    route: { type: 'choice', instructions: 'Which team should handle the request?', criteria: { billing: 'Charges and refunds', support: 'Technical problems' } },
    urgency: { type: 'score', instructions: 'How urgent is this request?', criteria: ['Can wait', 'Needs attention today'] },
  },
};
/** maruel/genai's live answer to this request (SystemOne-array.yaml @ 35196e96, fixtures/real/). */
const LIVE = {
  model: 'clef-flash',
  answers: {
    billing: { type: 'noul', noul: 0.9153 },
    route: { type: 'choice', choice: 'billing', probabilities: { billing: 0.9851, support: 0.0149 }, confidence: 0.9413 },
    urgency: { type: 'score', score: 0.9649, legend: { 0: 'Can wait', 1: 'Needs attention today' }, probabilities: { 0: 0.0351, 1: 0.9649 }, confidence: 0.8645 },
  },
  usage: { input_tokens: 295, output_tokens: 0 },
};
const withAnswer = (id: string, answer: unknown) => ({ ...LIVE, answers: { ...LIVE.answers, [id]: answer } });

describe('output.semantics: decision models (clef-flash)', () => {
  it('passes the live answer, with its request and without it (a captured answer)', () => {
    expect(judge(REQUEST, LIVE)).toEqual([]);
    expect(judge({}, LIVE)).toEqual([]);
  });

  it('fails a missing answer, an answer to no question, and an answer of another type', () => {
    const { billing: _, ...rest } = LIVE.answers;
    expect(judge(REQUEST, { ...LIVE, answers: rest }).map((f) => f.message)).toEqual(['result.answers has no answer to ["billing"], expected one answer per question']);
    expect(judge(REQUEST, withAnswer('extra', { type: 'noul', noul: 0.5 })).map((f) => f.message)).toEqual(['result.answers answers ["extra"], which the request did not ask']);
    expect(judge(REQUEST, withAnswer('billing', { type: 'score', score: 0, legend: {}, probabilities: {}, confidence: 0 }))).toMatchObject([
      { instancePath: '/result/answers/billing/type', message: 'result.answers.billing.type is "score", expected "noul", the type of question "billing"' },
    ]);
  });

  it('fails probabilities that do not sum to 1, or that miss an option, and a choice that is not the likeliest', () => {
    expect(judge(REQUEST, withAnswer('route', { ...LIVE.answers.route, probabilities: { billing: 0.9, support: 0.2 } }))[0]!.message).toBe('result.answers.route.probabilities sum to 1.1, expected 1 ("values sum to 1")');
    expect(judge(REQUEST, withAnswer('route', { ...LIVE.answers.route, probabilities: { billing: 1 } }))[0]!.message).toContain('expected one probability per option of the question');
    expect(judge(REQUEST, withAnswer('route', { ...LIVE.answers.route, choice: 'support' }))[0]!.message).toBe('result.answers.route.choice is "support" (probability 0.0149), expected the highest-probability option (0.9851)');
    expect(judge(REQUEST, withAnswer('route', { ...LIVE.answers.route, choice: 'sales' }))[0]!.message).toBe('result.answers.route.choice is "sales", expected one of the question\'s options (billing, support)');
  });

  it('fails a score that is not the probability-weighted level, and a legend of other levels', () => {
    expect(judge(REQUEST, withAnswer('urgency', { ...LIVE.answers.urgency, score: 1 }))[0]!.message).toBe('result.answers.urgency.score is 1, expected the probability-weighted level 0.9649');
    expect(judge(REQUEST, withAnswer('urgency', { ...LIVE.answers.urgency, legend: { 0: 'Can wait' } }))[0]!.message).toBe('result.answers.urgency.legend has levels ["0"], expected the levels of probabilities (["0","1"])');
  });

  it('findings are errors: every rule holds in the eight live answers', () => {
    expect(judge(REQUEST, withAnswer('route', { ...LIVE.answers.route, choice: 'support' }))[0]!.severity).toBeUndefined();
  });
});
