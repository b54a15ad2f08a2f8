import { describe, expect, it } from 'vitest';
import { outputSemantics } from '../../../../src/checks/semantics/index.js';
import { contextFor, envelope, runExchange } from '../exchange-builder.js';

const BGE = '@cf/baai/bge-base-en-v1.5';
const M3 = '@cf/baai/bge-m3';
const vector = (n: number) => Array.from({ length: n }, (_, i) => i / n);

const judge = (model: string, input: Record<string, unknown>, result: unknown) => {
  const ex = runExchange(model, input, { json: envelope(result) });
  return outputSemantics.run(ex, contextFor(ex));
};

describe('output.semantics: text embeddings', () => {
  it("passes one vector per input of the model's dimension, described by shape", () => {
    expect(judge(BGE, { text: ['a', 'b'] }, { shape: [2, 768], data: [vector(768), vector(768)], pooling: 'mean' })).toEqual([]);
    expect(judge(BGE, { text: 'a' }, { shape: [1, 768], data: [vector(768)] })).toEqual([]);
  });

  it("fails a vector that is not of the model's dimension", () => {
    const findings = judge(BGE, { text: 'a' }, { shape: [1, 768], data: [vector(767)] });
    expect(findings[0]).toEqual({
      check: 'output.semantics',
      instancePath: '/result/data/0',
      message: `result.data[0] has 767 numbers, expected 768 (embeddingDimension of ${BGE})`,
      expected: '768',
      actual: '767',
    });
  });

  it('fails a vector count that is not one per input', () => {
    const findings = judge(BGE, { text: ['a', 'b', 'c'] }, { shape: [2, 768], data: [vector(768), vector(768)] });
    expect(findings).toMatchObject([{ instancePath: '/result/data', message: 'result.data has 2 vectors, expected 3 (one per input text)' }]);
  });

  it('fails a shape that does not describe data, and reports a short vector only once', () => {
    expect(judge(BGE, { text: 'a' }, { shape: [1, 768], data: [vector(3)] }).map((f) => f.instancePath)).toEqual(['/result/data/0']);
    expect(judge(BGE, { text: 'a' }, { shape: [1, 1024], data: [vector(768)] })).toMatchObject([{ instancePath: '/result/shape' }]);
    const findings = judge(BGE, { text: ['a', 'b'] }, { shape: [3, 768], data: [vector(768), vector(768)] });
    expect(findings).toMatchObject([{ instancePath: '/result/shape', message: 'result.shape is [3,768], expected [2,768] (the number of vectors and their dimension)' }]);
  });

  it('judges bge-m3 context embeddings and query rankings', () => {
    const contexts = [{ text: 'a' }, { text: 'b' }];
    expect(judge(M3, { contexts }, { response: [vector(1024), vector(1024)], shape: [2, 1024] })).toEqual([]);
    expect(judge(M3, { contexts }, { response: [vector(1024)], shape: [1, 1024] })).toMatchObject([{ instancePath: '/result/response', message: 'result.response has 1 vectors, expected 2 (one per input text)' }]);
    expect(judge(M3, { query: 'q', contexts }, { response: [{ id: 1, score: 0.9 }, { id: 0, score: 0.1 }] })).toEqual([]);
    expect(judge(M3, { query: 'q', contexts }, { response: [{ id: 2, score: 0.9 }, { id: 0, score: 0.1 }] })).toMatchObject([{ instancePath: '/result/response/0/id' }]);
  });

  it('fails an asynchronous answer to a synchronous request, and passes one to a batch', () => {
    expect(judge(BGE, { text: 'a' }, { request_id: 'r1' })).toMatchObject([{ instancePath: '/result/request_id', message: 'result.request_id is an asynchronous answer to a synchronous request (input has no requests[]), expected the output itself' }]);
    expect(judge(BGE, { requests: [{ text: 'a' }] }, { request_id: 'r1' })).toEqual([]);
    expect(judge(BGE, { requests: [{ text: 'a' }] }, { shape: [1, 768], data: [vector(768)] })[0]!.message).toContain('expected {request_id} for a batch request');
  });
});
