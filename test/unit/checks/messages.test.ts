/**
 * /ai/v1/messages, the Anthropic-compatible endpoint: openai.messages and the Anthropic event order stream.framing reads,
 * through `validate` of captured documents (the same checks a run uses). Answers are written in the shape Cloudflare's
 * model pages show (anthropic/claude-opus-5.5) and Anthropic's streaming docs describe.
 */
import { describe, expect, it } from 'vitest';
import { assembleMessage, messagesSequenceProblems } from '../../../src/checks/messages.js';
import { loadContract } from '../../../src/contract/load.js';
import type { ReceivedEvent } from '../../../src/targets/types.js';
import { judgeCaptured } from '../../../src/validate/captured.js';

const contract = loadContract();
const json = (value: unknown) => Buffer.from(JSON.stringify(value));

/** An answer as the model page of anthropic/claude-opus-5.5 shows it (texts shortened). */
const MESSAGE = {
  model: 'claude-opus-5-5',
  id: 'msg_011CfJq2fgVPNWUne9rV4Tiv',
  type: 'message',
  role: 'assistant',
  content: [
    { type: 'thinking', thinking: '', signature: 'CAQSmwUKEAgSGAI4AUIIdGhpbmtpbmcS' },
    { type: 'text', text: 'Thermodynamics is usually described by three main laws.' },
  ],
  container: null,
  stop_reason: 'end_turn',
  stop_sequence: null,
  stop_details: null,
  usage: {
    input_tokens: 22,
    cache_creation_input_tokens: 0,
    cache_read_input_tokens: 0,
    cache_creation: { ephemeral_5m_input_tokens: 0, ephemeral_1h_input_tokens: 0 },
    output_tokens: 597,
    output_tokens_details: { thinking_tokens: 30 },
    service_tier: 'standard',
    inference_geo: 'global',
  },
};

type Data = Record<string, unknown>;
const sse = (events: Data[]) => Buffer.from(events.map((e) => `event: ${String(e.type)}\ndata: ${JSON.stringify(e)}\n\n`).join(''));
const received = (events: Data[]): ReceivedEvent[] => events.map((e) => ({ event: String(e.type), data: JSON.stringify(e), atMs: 0 }));

const START = { type: 'message_start', message: { ...MESSAGE, content: [], stop_reason: null, usage: { input_tokens: 12, output_tokens: 1 } } };
const TEXT_STREAM: Data[] = [
  START,
  { type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } },
  { type: 'ping' },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'Open ' } },
  { type: 'content_block_delta', index: 0, delta: { type: 'text_delta', text: 'source' } },
  { type: 'content_block_stop', index: 0 },
  { type: 'content_block_start', index: 1, content_block: { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: {} } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '{"city": ' } },
  { type: 'content_block_delta', index: 1, delta: { type: 'input_json_delta', partial_json: '"Paris"}' } },
  { type: 'content_block_stop', index: 1 },
  { type: 'message_delta', delta: { stop_reason: 'tool_use', stop_sequence: null }, usage: { output_tokens: 9 } },
  { type: 'message_stop' },
];

describe('validate of /ai/v1/messages documents', () => {
  it('accepts a message as the model pages show it, and names what breaks its schema', () => {
    expect(judgeCaptured(contract, { part: 'response', endpoint: 'messages', bytes: json(MESSAGE) })).toEqual([]);
    const { role: _role, ...noRole } = MESSAGE;
    expect(judgeCaptured(contract, { part: 'response', endpoint: 'messages', bytes: json(noRole) }).join('\n')).toMatch(/openai\.messages: .*role/);
    const badStop = { ...MESSAGE, stop_reason: 'finished' };
    expect(judgeCaptured(contract, { part: 'response', endpoint: 'messages', bytes: json(badStop) }).join('\n')).toMatch(/\/stop_reason/);
    // stop_reason tool_use without a tool_use block (Anthropic's rule).
    expect(judgeCaptured(contract, { part: 'response', endpoint: 'messages', bytes: json({ ...MESSAGE, stop_reason: 'tool_use' }) }).join('\n')).toMatch(/no tool_use block/);
  });

  it('accepts an Anthropic event stream and names an event out of order', () => {
    expect(judgeCaptured(contract, { part: 'stream', endpoint: 'messages', bytes: sse(TEXT_STREAM) })).toEqual([]);
    const noStart = TEXT_STREAM.slice(1);
    expect(judgeCaptured(contract, { part: 'stream', endpoint: 'messages', bytes: sse(noStart) }).join('\n')).toMatch(/stream\.framing: .*open with message_start/);
    const brokenJson = TEXT_STREAM.map((e) => (e.type === 'content_block_delta' && (e.delta as Data).type === 'input_json_delta' && (e.delta as Data).partial_json === '"Paris"}' ? { ...e, delta: { type: 'input_json_delta', partial_json: '"Paris"' } } : e));
    expect(judgeCaptured(contract, { part: 'stream', endpoint: 'messages', bytes: sse(brokenJson) }).join('\n')).toMatch(/openai\.messages: .*input_json_delta pieces join to/);
  });

  it('judges error bodies of the endpoint as Anthropic errors, not v4 envelopes', () => {
    const notSupported = { type: 'error', error: { type: 'invalid_request_error', message: 'AiError: Anthropic Messages API is not supported for model "@cf/moonshotai/kimi-k2.6" (x)' } };
    expect(judgeCaptured(contract, { part: 'error', endpoint: 'messages', status: 400, bytes: json(notSupported) })).toEqual([]);
    expect(judgeCaptured(contract, { part: 'error', endpoint: 'messages', status: 404, bytes: json({ type: 'error', error: { type: 'not_found_error', message: 'Model not found: x' } }) })).toEqual([]);
    expect(judgeCaptured(contract, { part: 'error', endpoint: 'messages', bytes: json({ success: false, errors: [{ code: 5007, message: 'No such model' }] }) }).join('\n')).toMatch(/type/);
    // Without the endpoint an Anthropic error is no error body the v4 API sends.
    expect(judgeCaptured(contract, { part: 'error', bytes: json(notSupported) })).not.toEqual([]);
  });
});

describe('messagesSequenceProblems', () => {
  it('finds nothing in a well-ordered stream, pings anywhere', () => {
    expect(messagesSequenceProblems(received([{ type: 'ping' }, ...TEXT_STREAM]))).toEqual([]);
  });

  it('holds the shown opening and closing as errors, Anthropic\'s order between them as warnings', () => {
    const noStop = messagesSequenceProblems(received(TEXT_STREAM.slice(0, -1)));
    expect(noStop.map((p) => [p.message, p.severity])).toEqual([[expect.stringMatching(/close with message_stop/), undefined]]);
    const skipped = TEXT_STREAM.map((e) => (e.type !== 'message_start' && e.type !== 'message_delta' && e.type !== 'message_stop' && e.type !== 'ping' && (e as { index?: number }).index === 1 ? { ...e, index: 2 } : e));
    const found = messagesSequenceProblems(received(skipped));
    expect(found.map((p) => p.message)).toEqual([expect.stringMatching(/index is 2, expected 1/)]);
    expect(found.every((p) => p.severity === 'warning')).toBe(true);
    const wrongDelta = TEXT_STREAM.map((e) => (e.type === 'content_block_delta' && e.index === 0 ? { ...e, delta: { type: 'input_json_delta', partial_json: '{}' } } : e));
    expect(messagesSequenceProblems(received(wrongDelta)).map((p) => p.message)).toContainEqual(expect.stringMatching(/in a text block, expected text_delta or citations_delta/));
    const afterStop = messagesSequenceProblems(received([...TEXT_STREAM, { type: 'content_block_start', index: 2, content_block: { type: 'text', text: '' } }]));
    expect(afterStop.map((p) => p.message)).toContainEqual(expect.stringMatching(/after message_stop/));
  });

  it('reports an error event as a failure of the stream', () => {
    const found = messagesSequenceProblems(received([START, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }]));
    expect(found.map((p) => [p.message, p.severity])).toEqual([[expect.stringMatching(/is an error event/), undefined]]);
  });
});

describe('assembleMessage', () => {
  it('joins text and tool input deltas into the message the stream stands for', () => {
    const { message, problems } = assembleMessage(received(TEXT_STREAM));
    expect(problems).toEqual([]);
    expect(message.content).toEqual([
      { type: 'text', text: 'Open source' },
      { type: 'tool_use', id: 'toolu_01', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(message.stop_reason).toBe('tool_use');
    expect(message.usage).toEqual({ input_tokens: 12, output_tokens: 9 });
  });
});
