/**
 * judgeCaptured on every part a user can capture. Valid documents are the emulator's own answers (the emulator
 * follows the contract, so validate must accept what it says); invalid ones break one rule each.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { startEmulator } from '../../../src/emulator/index.js';
import { CapturedDocumentError, judgeCaptured, type CapturedDocument } from '../../../src/validate/captured.js';
import { isSchemaPart, judgeBySchemas } from '../../../src/validate/document.js';

const contract = loadContract();
const LLAMA = contract.model('@cf/meta/llama-3.1-8b-instruct')!;
const BGE = contract.model('@cf/baai/bge-base-en-v1.5')!;
const SDXL = contract.model('@cf/stabilityai/stable-diffusion-xl-base-1.0')!;
let emulator: { url: string; close(): Promise<void> };

beforeAll(async () => {
  emulator = await startEmulator({ port: 0, contract });
});
afterAll(() => emulator.close());

async function post(path: string, body: unknown): Promise<Uint8Array> {
  const response = await fetch(`${emulator.url}/client/v4/accounts/acct${path}`, { method: 'POST', headers: { authorization: 'Bearer t', 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return new Uint8Array(await response.arrayBuffer());
}

const judge = (doc: CapturedDocument) => judgeCaptured(contract, doc);
const json = (value: unknown) => Buffer.from(JSON.stringify(value));
const messages = [{ role: 'user', content: 'hi' }];

describe('judgeCaptured', () => {
  it('accepts an SSE transcript of /ai/run and names what breaks stream.framing', async () => {
    const bytes = await post(`/ai/run/${LLAMA.id}`, { messages, stream: true, max_tokens: 8 });
    expect(judge({ part: 'stream', model: LLAMA, bytes })).toEqual([]);
    const text = Buffer.from(bytes).toString('utf8');
    // Without [DONE]; and a paste that drops the final blank line is still read whole.
    expect(judge({ part: 'stream', model: LLAMA, bytes: Buffer.from(text.replace('data: [DONE]', '').trimEnd()) }).join('\n')).toMatch(/stream\.framing: .*\[DONE\]/);
    expect(judge({ part: 'stream', model: LLAMA, bytes: Buffer.from(text.trimEnd()) })).toEqual([]);
  });

  it('accepts /ai/v1 chat completion bodies and streams, reading the model from the body', async () => {
    const body = await post('/ai/v1/chat/completions', { model: LLAMA.id, messages, max_tokens: 8 });
    expect(judge({ part: 'response', endpoint: 'chat/completions', bytes: body })).toEqual([]);
    const broken = { ...JSON.parse(Buffer.from(body).toString()), object: 'chat.completion.chunk' };
    expect(judge({ part: 'response', endpoint: 'chat/completions', bytes: json(broken) }).join('\n')).toMatch(/openai\.chat: .*object/);
    const stream = await post('/ai/v1/chat/completions', { model: LLAMA.id, messages, max_tokens: 8, stream: true });
    expect(judge({ part: 'stream', endpoint: 'chat/completions', bytes: stream, model: LLAMA })).toEqual([]);
  });

  it('judges a captured tool call without the request: no tool counts as unoffered, the structure still counts', async () => {
    const tools = [{ type: 'function', function: { name: 'get_weather', description: 'weather', parameters: { type: 'object', properties: { city: { type: 'string' } } } } }];
    const request = { model: LLAMA.id, messages, tools, tool_choice: { type: 'function', function: { name: 'get_weather' } } };
    const body = await post('/ai/v1/chat/completions', request);
    expect(Buffer.from(body).toString()).toContain('get_weather');
    expect(judge({ part: 'response', endpoint: 'chat/completions', bytes: body })).toEqual([]);
    const stream = await post('/ai/v1/chat/completions', { ...request, stream: true });
    expect(Buffer.from(stream).toString()).toContain('get_weather');
    expect(judge({ part: 'stream', endpoint: 'chat/completions', bytes: stream, model: LLAMA })).toEqual([]);
    const parsed = JSON.parse(Buffer.from(body).toString());
    parsed.choices[0].message.tool_calls[0].function.arguments = '{"city":';
    expect(judge({ part: 'response', endpoint: 'chat/completions', bytes: json(parsed) }).join('\n')).toMatch(/arguments is not JSON/);
  });

  it('accepts /ai/v1 embeddings, completions and responses bodies', async () => {
    expect(judge({ part: 'response', endpoint: 'embeddings', bytes: await post('/ai/v1/embeddings', { model: BGE.id, input: ['a', 'b'] }) })).toEqual([]);
    expect(judge({ part: 'response', endpoint: 'completions', bytes: await post('/ai/v1/completions', { model: LLAMA.id, prompt: 'hi', max_tokens: 8 }) })).toEqual([]);
    const gptOss = contract.model('@cf/openai/gpt-oss-120b')!;
    expect(gptOss.facts.openai?.responses).toBe(true);
    expect(judge({ part: 'response', endpoint: 'responses', bytes: await post('/ai/v1/responses', { model: gptOss.id, input: 'hi' }) })).toEqual([]);
  });

  it('judges what the binding returns: the bare output, or the bytes of a binary answer', async () => {
    const envelope = JSON.parse(Buffer.from(await post(`/ai/run/${BGE.id}`, { text: ['a'] })).toString());
    expect(judge({ part: 'binding', model: BGE, bytes: json(envelope.result) })).toEqual([]);
    expect(judge({ part: 'binding', model: BGE, bytes: json(envelope) }).length).toBeGreaterThan(0);
    const png = await post(`/ai/run/${SDXL.id}`, { prompt: 'a cat', width: 256, height: 256 });
    expect(judge({ part: 'binding', model: SDXL, bytes: png })).toEqual([]);
    expect(judge({ part: 'binding', model: SDXL, bytes: png, contentType: 'audio/mpeg' }).join('\n')).toMatch(/Content-Type image\/png/);
  });

  it('judges error bodies by the v4 error envelope, whatever the model', () => {
    const error = { result: null, success: false, errors: [{ code: 7009, message: 'Upstream service unavailable' }], messages: [] };
    expect(judge({ part: 'error', bytes: json(error) })).toEqual([]);
    expect(judge({ part: 'error', bytes: json({ ...error, success: true }) }).join('\n')).toMatch(/\/success: expected false/);
    expect(judge({ part: 'error', bytes: json({ ...error, errors: 'nope' }) }).join('\n')).toMatch(/\/errors/);
  });

  it('accepts error bodies in the forms the real API was seen sending besides the v4 envelope', () => {
    expect(judge({ part: 'error', bytes: json({ errors: { message: 'AiError: Bad input', code: 5006 }, success: false, result: {}, messages: [] }) })).toEqual([]);
    expect(judge({ part: 'error', bytes: json({ error: { code: 'invalid_prompt', message: 'AiError: AiError: Request timeout' } }) })).toEqual([]);
    expect(judge({ part: 'error', bytes: json({ success: false, result: [], messages: [], error: [{ code: 2001, message: 'Please configure AI Gateway' }] }) })).toEqual([]);
    // A reduced paste (only a message, no code, no success) is none of them.
    expect(judge({ part: 'error', bytes: json({ errors: { message: 'AiError: Bad input' } }) }).length).toBeGreaterThan(0);
  });

  it('reads Python reprs when the format says so, and refuses what it cannot read', () => {
    const repr = Buffer.from("{'result': {'response': 'hi'}, 'success': True, 'errors': [], 'messages': []}");
    expect(judge({ part: 'response', model: LLAMA, bytes: repr, format: 'python-repr' })).toEqual([]);
    expect(() => judge({ part: 'response', model: LLAMA, bytes: repr })).toThrow(CapturedDocumentError);
    expect(() => judge({ part: 'output', bytes: json({ response: 'hi' }) })).toThrow(/needs the model/);
  });
});

describe('the schema-only path (validate loads the checks only for the parts they judge)', () => {
  const outcome = (judgeWith: typeof judgeCaptured, doc: CapturedDocument) => {
    try {
      return judgeWith(contract, doc);
    } catch (error) {
      return `${(error as Error).name}: ${(error as Error).message}`;
    }
  };

  it('judges every input, output, answer and binding result as judgeCaptured does', async () => {
    const answer = await post(`/ai/run/${LLAMA.id}`, { messages });
    const image = await post(`/ai/run/${SDXL.id}`, { prompt: 'a cat' });
    const docs: CapturedDocument[] = [
      { part: 'input', bytes: json({ messages }), model: LLAMA },
      { part: 'input', bytes: json({ messages: 'no' }), model: LLAMA },
      { part: 'input', bytes: json({ text: 'hi' }) },
      { part: 'output', bytes: json({ response: 'hi' }), model: LLAMA },
      { part: 'output', bytes: json({ shape: [1], data: 'x' }), model: BGE },
      { part: 'response', bytes: answer, model: LLAMA },
      { part: 'response', bytes: json({ result: { response: 7 }, success: true, errors: [], messages: [] }), model: LLAMA },
      { part: 'response', bytes: Buffer.from('not json'), model: LLAMA },
      { part: 'response', bytes: image, model: SDXL },
      { part: 'response', bytes: image, model: SDXL, contentType: 'image/jpeg' },
      { part: 'binding', bytes: image, model: SDXL },
      { part: 'binding', bytes: json({ response: 'hi' }), model: LLAMA },
      { part: 'binding', bytes: answer, model: LLAMA, format: 'binary' },
      { part: 'output', bytes: Buffer.from("{'response': 'hi'}"), model: LLAMA, format: 'python-repr' },
    ];
    for (const doc of docs) {
      expect(isSchemaPart(doc), doc.part).toBe(true);
      expect(outcome(judgeBySchemas, doc)).toEqual(outcome(judgeCaptured, doc));
    }
  });

  it('leaves streams, /ai/v1 bodies and error bodies to judgeCaptured', () => {
    expect(isSchemaPart({ part: 'stream' })).toBe(false);
    expect(isSchemaPart({ part: 'error' })).toBe(false);
    expect(isSchemaPart({ part: 'response', endpoint: 'chat/completions' })).toBe(false);
  });
});
