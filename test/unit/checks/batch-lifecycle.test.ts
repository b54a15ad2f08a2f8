import { describe, expect, it } from 'vitest';
import { batchLifecycle } from '../../../src/checks/batch-lifecycle.js';
import { contextFor, envelope, messages, runExchange } from './exchange-builder.js';

const M2M = '@cf/meta/m2m100-1.2b';
const ID = '768f15b7-4fd6-4498-906e-ad94ffc7f8d2';
const items = [
  { text: 'Hello', target_lang: 'fr', external_reference: 'a' },
  { text: 'Bye', target_lang: 'de' },
];
const queue = { queueRequest: 'true' };
const submit = (result: unknown, status = 200) => runExchange(M2M, { requests: items }, { status, json: status < 300 ? envelope(result) : { success: false, errors: [{ code: 5006, message: 'x' }] } }, { query: queue });
const poll = (result: unknown) => runExchange(M2M, { request_id: ID }, { json: envelope(result) }, { query: queue });
const done = (responses: unknown[]) => poll({ responses, usage: { prompt_tokens: 0, completion_tokens: 0, total_tokens: 0 } });
const answer = (id: number, extra: Record<string, unknown> = {}) => ({ id, result: { translated_text: `t${id}` }, success: true, external_reference: id === 0 ? 'a' : null, ...extra });
const judge = (...exchanges: ReturnType<typeof submit>[]) => batchLifecycle.run(exchanges, contextFor(exchanges[0]!));
const ack = { status: 'queued', request_id: ID, model: M2M };

describe('batch.lifecycle', () => {
  it('passes the documented lifecycle: queued, a poll still queued or running, then one valid answer per request', () => {
    expect(judge(submit(ack), poll({ status: 'queued' }), poll({ status: 'running', request_id: ID }), done([answer(1), answer(0)]))).toEqual([]);
  });

  it('does not apply without a queued batch', () => {
    expect(batchLifecycle.applies([poll({ status: 'queued' })], contextFor(poll({})))).toBe(false);
  });

  it('fails an acknowledgement without a request_id, and one that is not queued or names another model', () => {
    expect(messages(judge(submit({ status: 'queued' })))).toEqual(['the queued batch: result.request_id is undefined, expected the id to poll with']);
    expect(messages(judge(submit({ ...ack, status: 'done', model: '@cf/x/y' }), done([answer(0), answer(1)])))).toEqual([
      'the queued batch: result.status is "done", expected "queued"',
      'the queued batch: result.model is "@cf/x/y", expected "@cf/meta/m2m100-1.2b"',
    ]);
    expect(messages(judge(submit(undefined, 400)))[0]).toContain('answered HTTP 400, expected 2xx');
  });

  it('fails duplicate, out-of-range and missing answers, and a lost external_reference', () => {
    const found = messages(judge(submit(ack), done([answer(0, { external_reference: null }), answer(0), answer(7)])));
    expect(found).toEqual([
      'poll #1: responses[0].external_reference is null, expected the request\'s "a"',
      'poll #1: request 0 is answered more than once',
      'poll #1: responses[2].id is 7, expected the index of a request (0..1)',
      'poll #1: request 1 of 2 never answered',
    ]);
  });

  it('fails a successful result that breaks the model output schema, not a failed item', () => {
    const found = judge(submit(ack), done([answer(0, { result: { translated_text: 5 } }), answer(1, { success: false, result: {} })]));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ instancePath: '/result/responses/0/result/translated_text' });
    expect(found[0]!.message).toContain("responses[0].result breaks @cf/meta/m2m100-1.2b's output schema");
  });

  it('fails polls that never bring the results, and a poll answer that is neither status nor results', () => {
    expect(messages(judge(submit(ack), poll({ status: 'running' }), poll({ status: 'running' })))).toEqual([`the batch ${ID} was still not answered after 2 polls`]);
    expect(messages(judge(submit(ack), poll({ weird: true }), done([answer(0), answer(1)])))[0]).toContain('poll #1: the answer is neither the results');
  });
});
