import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';

const DISTILBERT = '@cf/huggingface/distilbert-sst-2-int8';
const RERANKER = '@cf/baai/bge-reranker-base';

const judge = (model: string, input: Record<string, unknown>, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};

describe('output.semantics: text classification', () => {
  it('passes scores over every label that sum to 1', () => {
    expect(judge(DISTILBERT, { text: 'good' }, [{ label: 'POSITIVE', score: 0.998 }, { label: 'NEGATIVE', score: 0.002 }])).toEqual([]);
  });

  it('fails scores over every label that do not sum to 1', () => {
    expect(judge(DISTILBERT, { text: 'good' }, [{ label: 'POSITIVE', score: 0.7 }, { label: 'NEGATIVE', score: 0.7 }])).toMatchObject([
      { instancePath: '/result', message: 'result scores sum to 1.4 over all 2 labels, expected 1 ± 0.01', expected: '1 ± 0.01', actual: '1.4' },
    ]);
  });

  it('fails a score outside [0, 1], an unknown label, and a repeated label', () => {
    const findings = judge(DISTILBERT, { text: 'good' }, [{ label: 'POSITIVE', score: 1.2 }, { label: 'NEUTRAL', score: 0 }, { label: 'POSITIVE', score: 0 }]);
    expect(findings.map((f) => f.instancePath)).toEqual(['/result/0/score', '/result/1/label', '/result/2/label', '/result']);
    expect(findings[0]!.message).toBe('result[0].score is 1.2, expected a score in [0, 1]');
    expect(findings[1]!.message).toBe(`result[1].label is "NEUTRAL", expected one of the labels of ${DISTILBERT} (NEGATIVE, POSITIVE)`);
    expect(findings[2]!.message).toBe('result[2].label repeats the label "POSITIVE", expected each label once');
  });

  it('fails an empty answer', () => {
    expect(judge(DISTILBERT, { text: 'good' }, [])).toMatchObject([{ instancePath: '/result', message: 'result is empty, expected at least one {label, score}' }]);
  });
});

describe('output.semantics: reranking (bge-reranker-base)', () => {
  const contexts = [{ text: 'a' }, { text: 'b' }, { text: 'c' }];

  it('passes one entry per context, each context once', () => {
    expect(judge(RERANKER, { query: 'q', contexts }, { response: [{ id: 2, score: 0.95 }, { id: 0, score: 0.8 }, { id: 1, score: 0.3 }] })).toEqual([]);
    expect(judge(RERANKER, { query: 'q', contexts, top_k: 1 }, { response: [{ id: 2, score: 0.95 }] })).toEqual([]);
  });

  it('fails ids outside the contexts, repeated ids, and the wrong number of entries', () => {
    const findings = judge(RERANKER, { query: 'q', contexts }, { response: [{ id: 3, score: 0.9 }, { id: 0, score: 0.8 }, { id: 0, score: 0.1 }] });
    expect(findings.map((f) => f.message)).toEqual([
      'result.response[0].id is 3, expected the index of one of the 3 contexts (0..2)',
      'result.response[2].id repeats context 0, expected each context ranked at most once',
    ]);
    expect(judge(RERANKER, { query: 'q', contexts, top_k: 2 }, { response: [{ id: 0, score: 1 }] })).toMatchObject([{ instancePath: '/result/response', message: 'result.response has 1 entries, expected 2 (top_k 2)' }]);
  });
});
