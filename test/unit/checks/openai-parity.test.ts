import { describe, expect, it } from 'vitest';
import { openAiParity, parityPairs } from '../../../src/checks/openai-parity.js';
import { contextFor, envelope, errorEnvelope, messages, openAiExchange, runExchange } from './exchange-builder.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct-fp8';
const BGE = '@cf/baai/bge-base-en-v1.5';
const msgs = [{ role: 'user', content: 'hi' }];
const usage = (p: number, c: number) => ({ prompt_tokens: p, completion_tokens: c, total_tokens: p + c });
const chat = (u: unknown, status = 200) =>
  openAiExchange('chat/completions', { model: LLAMA, messages: msgs }, status === 200 ? { json: { id: 'x', object: 'chat.completion', created: 1, model: LLAMA, choices: [{ index: 0, message: { role: 'assistant', content: 'yo' }, finish_reason: 'stop' }], ...(u ? { usage: u } : {}) } } : { status, json: errorEnvelope(5006, 'Bad input') });
const run = (u: unknown) => runExchange(LLAMA, { messages: msgs }, { json: envelope({ response: 'hey', ...(u ? { usage: u } : {}) }) });
const judge = (...exchanges: ReturnType<typeof run>[]) => openAiParity.run(exchanges, contextFor(exchanges[0]!));

describe('openai.parity', () => {
  it('passes the same prompt token count through both paths', () => {
    expect(judge(run(usage(12, 3)), chat(usage(12, 30)))).toEqual([]);
  });

  it('fails different prompt token counts for the same messages', () => {
    expect(judge(run(usage(12, 3)), chat(usage(15, 3)))).toEqual([
      { check: 'openai.parity', instancePath: '/usage/prompt_tokens', message: `${LLAMA}, same input via /ai/run and /ai/v1/chat/completions: /ai/run counted 12 prompt tokens, /ai/v1/chat/completions counted 15, expected the same count for the same messages`, expected: '12', actual: '15', severity: 'warning' },
    ]);
  });

  it('fails usage reported on one path only', () => {
    expect(messages(judge(run(usage(12, 3)), chat(undefined)))[0]).toContain('/ai/run reports usage but /ai/v1/chat/completions does not');
  });

  it('fails one path succeeding while the other fails', () => {
    expect(messages(judge(run(usage(1, 1)), chat(undefined, 400)))[0]).toContain('/ai/run answered 200 but /ai/v1/chat/completions answered 400, expected both to succeed or both to fail');
  });

  it('compares embeddings by count and dimension', () => {
    const vec = (n: number) => Array.from({ length: n }, () => 0.1);
    const r = runExchange(BGE, { text: ['a', 'b'] }, { json: envelope({ shape: [2, 768], data: [vec(768), vec(768)] }) });
    const same = openAiExchange('embeddings', { model: BGE, input: ['a', 'b'] }, { json: { object: 'list', model: BGE, data: [0, 1].map((index) => ({ object: 'embedding', index, embedding: vec(768) })) } });
    expect(openAiParity.run([r, same], contextFor(r))).toEqual([]);
    const fewer = openAiExchange('embeddings', { model: BGE, input: ['a', 'b'] }, { json: { object: 'list', model: BGE, data: [{ object: 'embedding', index: 0, embedding: vec(768) }] } });
    expect(messages(openAiParity.run([r, fewer], contextFor(r)))[0]).toContain('/ai/run answered 2 vectors, /ai/v1/embeddings 1, expected the same number');
  });

  it('pairs only exchanges with the same model and input', () => {
    const other = openAiExchange('chat/completions', { model: LLAMA, messages: [{ role: 'user', content: 'bye' }] }, { json: {} });
    expect(parityPairs([run(usage(1, 1)), other], contextFor(other))).toEqual([]);
    expect(openAiParity.applies([run(usage(1, 1)), other], contextFor(other))).toBe(false);
  });
});
