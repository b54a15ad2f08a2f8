import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { pactCommand } from '../../../src/cli/commands/pact.js';
import type { Io } from '../../../src/cli/output.js';
import { EXIT } from '../../../src/cli/usage-error.js';
import { loadContract } from '../../../src/contract/load.js';
import { checkPact, formatFinding, InvalidPactError, undeclaredFields } from '../../../src/pact/check.js';
import { buildPact } from '../../../src/pact/export.js';

const contract = loadContract();
const dir = mkdtempSync(join(tmpdir(), 'wai-pact-check-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const LLAMA = '/client/v4/accounts/abc/ai/run/@cf/meta/llama-3.1-8b-instruct';

/** A consumer's hand-made V4 pact: a wrong type in the request, a field the API never answers. */
const handMade = {
  consumer: { name: 'my-app' },
  provider: { name: 'workers-ai' },
  interactions: [
    {
      type: 'Synchronous/HTTP',
      description: 'asks llama for an answer',
      request: { method: 'POST', path: LLAMA, headers: { 'Content-Type': ['application/json'] }, body: { content: { prompt: 'hi', max_tokens: 'many' }, contentType: 'application/json', encoded: false } },
      response: {
        status: 200,
        headers: { 'Content-Type': ['application/json'] },
        body: { content: { success: true, result: { answer: 'hello' } }, contentType: 'application/json', encoded: false },
        matchingRules: { body: { '$.result.answer': { combine: 'AND', matchers: [{ match: 'type' }] } } },
      },
    },
  ],
  metadata: { pactSpecification: { version: '4.0' } },
};

async function pact(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: Io = { out: (t) => void (stdout += t), err: (t) => void (stderr += t), stdin: async () => Buffer.alloc(0) };
  return { code: await pactCommand(argv, io, {}), stdout, stderr };
}

describe('checkPact', () => {
  it('flags a request the API would reject and a response field it never gives, with pointers', () => {
    const { findings, checked } = checkPact(handMade, contract);
    expect(checked).toBe(1);
    expect(findings).toHaveLength(2);
    expect(findings[0]).toMatchObject({ interaction: 'asks llama for an answer', part: 'request', pointer: '/max_tokens', keyword: 'type' });
    expect(findings[1]).toMatchObject({ part: 'response', pointer: '/result/answer', keyword: 'undeclared' });
    expect(formatFinding(findings[0]!)).toBe('interaction "asks llama for an answer": request /max_tokens: expected type integer, found string "many"');
  });

  it('passes a clean exported pact', () => {
    const { pact: exported } = buildPact(contract, { models: ['@cf/meta/llama-3.1-8b-instruct', '@cf/deepgram/aura-1', '@cf/baai/bge-m3'] });
    expect(checkPact(JSON.parse(JSON.stringify(exported)), contract).findings).toEqual([]);
  });

  it('reads V3 pacts (plain bodies, string headers) and percent-encoded model ids', () => {
    const v3 = {
      consumer: { name: 'c' },
      provider: { name: 'p' },
      interactions: [
        {
          description: 'classifies',
          request: { method: 'POST', path: '/client/v4/accounts/abc/ai/run/@cf%2Fhuggingface%2Fdistilbert-sst-2-int8', headers: { 'Content-Type': 'application/json' }, body: { text: 'x' } },
          response: { status: 418, headers: { 'Content-Type': 'application/json' }, body: { error: 'teapot' } },
        },
        { description: 'not this API', request: { method: 'GET', path: '/health' }, response: { status: 200 } },
      ],
      metadata: { pactSpecification: { version: '3.0.0' } },
    };
    const result = checkPact(v3, contract);
    expect(result.skipped).toEqual([{ interaction: 'not this API', reason: '/health is not a Workers AI path' }]);
    expect(result.findings.map((f) => [f.part, f.keyword, f.pointer])).toEqual([
      ['response', 'status', undefined],
      ['response', 'undeclared', '/error'],
    ]);
  });

  it('flags unknown models, binary answers expected as JSON, and statuses or error codes the API does not give', () => {
    const pactFile = {
      interactions: [
        { description: 'unknown', request: { method: 'POST', path: '/accounts/a/ai/run/@cf/nobody/nothing', body: { text: 'x' } }, response: { status: 200 } },
        { description: 'image as JSON', request: { method: 'POST', path: '/accounts/a/ai/run/@cf/stabilityai/stable-diffusion-xl-base-1.0', body: { prompt: 'cat' } }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { success: true, result: { image: 'x' } } } },
        { description: 'made-up code', request: { method: 'POST', path: LLAMA, body: {} }, response: { status: 400, body: { success: false, errors: [{ code: 9999, message: 'no' }] } } },
      ],
    };
    const findings = checkPact(pactFile, contract).findings;
    expect(findings.map((f) => `${f.interaction}: ${f.keyword}`)).toEqual(['unknown: model', 'image as JSON: content-type', 'image as JSON: content-type', 'made-up code: error-code']);
  });

  it('takes every code the contract lists for a status as known, documented or observed, and a 5xx by the 5XX range (issue 9)', () => {
    const search = '/client/v4/accounts/a/ai/models/search';
    const interaction = (description: string, path: string, status: number, code: number, method = 'POST') => ({
      description,
      request: { method, path, ...(method === 'POST' ? { body: { prompt: 'hi' } } : {}) },
      response: { status, body: { success: false, result: null, errors: [{ code, message: 'x' }], messages: [] } },
    });
    const known = [
      interaction('retired model', '/client/v4/accounts/a/ai/run/@cf/meta/llama-3-8b-instruct', 410, 5028),
      interaction('server error', LLAMA, 500, 1000),
      interaction('upstream unavailable', LLAMA, 503, 7009),
      interaction('bad key on the search', search, 400, 10001, 'GET'),
      interaction('LoRa refused', LLAMA, 405, 5005),
    ];
    expect(checkPact({ interactions: known }, contract).findings).toEqual([]);
    const unknown = [interaction('made-up 5xx code', LLAMA, 502, 4242), interaction('5028 at 400', LLAMA, 400, 5028)];
    expect(checkPact({ interactions: unknown }, contract).findings.map((f) => `${f.interaction}: ${f.keyword}: ${f.message}`)).toEqual([
      'made-up 5xx code: error-code: error code 4242 is not one the API gives with status 502 (documented: 1000, 7009)',
      '5028 at 400: error-code: error code 5028 is not one the API gives with status 400 (documented: 5007, 5004, 3039, 3003, 5006, 7000, 8007)',
    ]);
  });

  it('judges /ai/v1/messages by its own models, answers and Anthropic errors', () => {
    const path = '/client/v4/accounts/a/ai/v1/messages';
    const ask = (model: string) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const pactFile = {
      interactions: [
        { description: 'claude', request: { method: 'POST', path, body: ask('anthropic/claude-sonnet-4.5') }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { type: 'message', role: 'assistant', content: [{ type: 'text', text: 'hello' }], stop_reason: 'end_turn' } } },
        { description: 'refused', request: { method: 'POST', path, body: ask('@cf/moonshotai/kimi-k2.6') }, response: { status: 400, headers: { 'Content-Type': 'application/json' }, body: { type: 'error', error: { type: 'invalid_request_error', message: 'AiError: Anthropic Messages API is not supported for model' } } } },
        { description: 'wrong role', request: { method: 'POST', path, body: ask('anthropic/claude-sonnet-4.5') }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { type: 'message', role: 'user' } } },
        { description: 'kimi answered', request: { method: 'POST', path, body: ask('@cf/moonshotai/kimi-k2.6') }, response: { status: 200, headers: { 'Content-Type': 'application/json' }, body: { type: 'message' } } },
      ],
    };
    const findings = checkPact(pactFile, contract).findings;
    // The refusal is the endpoint's own Anthropic error; a Workers AI model expected to be answered is the consumer's mistake.
    expect(findings.map((f) => `${f.interaction}: ${f.part} ${f.keyword}`)).toEqual(['wrong role: response const', 'kimi answered: request model']);
  });

  it('judges POST /ai/run with {model, input} by the partner model named: its input, answer, result and Failed refusal', () => {
    const path = '/client/v4/accounts/a/ai/run';
    const json = { 'Content-Type': 'application/json' };
    const input = { text: 'hi', voice_id: 'Dennis', output_format: 'mp3', temperature: 1, timestamp_type: 'none' };
    const completed = { state: 'Completed', result: { audio: 'https://example.com/a.mp3' }, gatewayMetadata: { keySource: 'Unified' } };
    const pactFile = {
      interactions: [
        { description: 'speech', request: { method: 'POST', path, body: { model: 'inworld/tts-1.5-mini', input } }, response: { status: 200, headers: json, body: completed } },
        { description: 'refused', request: { method: 'POST', path, body: { model: 'inworld/tts-1.5-mini', input: {} } }, response: { status: 400, headers: json, body: { state: 'Failed', error: 'Model execution failed (User Input Error): x' } } },
        { description: 'bad voice', request: { method: 'POST', path, body: { model: 'inworld/tts-1.5-mini', input: { ...input, voice_id: 'Nobody' } } }, response: { status: 200, headers: json, body: completed } },
        { description: 'image result', request: { method: 'POST', path, body: { model: 'inworld/tts-1.5-mini', input } }, response: { status: 200, headers: json, body: { ...completed, result: { image: 'x' } } } },
        { description: 'unknown', request: { method: 'POST', path, body: { model: 'nobody/none', input: {} } }, response: { status: 200, headers: json, body: completed } },
        { description: 'wrong state', request: { method: 'POST', path, body: { model: 'inworld/tts-1.5-mini', input: {} } }, response: { status: 400, headers: json, body: { state: 'Done', error: 'x' } } },
      ],
    };
    const findings = checkPact(pactFile, contract).findings;
    expect(findings.map((f) => `${f.interaction}: ${f.part} ${f.keyword}`)).toEqual(['bad voice: request enum', 'image result: response additionalProperties', 'unknown: request model', 'wrong state: response const']);
  });

  it('throws InvalidPactError for what is not a pact', () => {
    expect(() => checkPact({ nope: true }, contract)).toThrow(InvalidPactError);
    expect(() => checkPact({ interactions: [{ description: 'x' }] }, contract)).toThrow(InvalidPactError);
  });

  it('undeclaredFields: closed where properties are listed, open where not, any branch of a union', () => {
    const schema = { anyOf: [{ type: 'object', properties: { a: { type: 'object' } } }, { type: 'object', properties: { b: { type: 'string' } } }] };
    expect(undeclaredFields(schema, { a: { anything: 1 } })).toEqual([]);
    expect(undeclaredFields(schema, { b: 'x', c: 1 })).toEqual(['/c']);
  });
});

describe('wai-conformance pact check', () => {
  it('prints one line per finding and exits 1; --json gives the findings as data', async () => {
    const file = join(dir, 'hand-made.json');
    writeFileSync(file, JSON.stringify(handMade));
    const text = await pact(['check', file]);
    expect(text.code).toBe(EXIT.nonConformant);
    expect(text.stdout.trim().split('\n')).toHaveLength(2);
    expect(text.stdout).toContain('request /max_tokens: expected type integer');
    expect(text.stdout).toContain('response /result/answer:');
    const json = await pact(['check', file, '--json']);
    expect(JSON.parse(json.stdout).findings).toHaveLength(2);
  });

  it('exits 0 for a clean pact and 2 for unreadable or invalid files', async () => {
    const clean = join(dir, 'clean.json');
    writeFileSync(clean, JSON.stringify(buildPact(contract, { models: ['@cf/huggingface/distilbert-sst-2-int8'] }).pact));
    expect((await pact(['check', clean])).code).toBe(EXIT.ok);
    expect((await pact(['check', join(dir, 'missing.json')])).code).toBe(EXIT.usage);
    const notJson = join(dir, 'not.json');
    writeFileSync(notJson, '{');
    expect((await pact(['check', notJson])).code).toBe(EXIT.usage);
    const notPact = join(dir, 'not-pact.json');
    writeFileSync(notPact, '{"consumer":{}}');
    const result = await pact(['check', notPact]);
    expect(result.code).toBe(EXIT.usage);
    expect(result.stderr).toContain('no "interactions" array');
  });
});
