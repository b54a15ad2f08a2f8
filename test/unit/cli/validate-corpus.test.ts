/** `validate --corpus DIR` and the new parts, end to end through the CLI: figures, exit codes, usage errors. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../../helpers/cli.js';

const root = mkdtempSync(join(tmpdir(), 'wai-corpus-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const good = { result: { response: 'Hello' }, success: true, errors: [], messages: [] };
// A JSON-mode object in `response` is valid now (docs JSON Mode page); a number never is.
const numberResponse = { result: { response: 42 }, success: true, errors: [], messages: [] };
const errorBody = { result: null, success: false, errors: [{ code: 7009, message: 'Upstream service unavailable' }], messages: [] };

function entry(file: string, extra: Record<string, unknown> = {}): string {
  const fields = { file, source: '{url: https://example.com/x}', captured: 'test', task: 'text-generation', model: `'${LLAMA}'`, part: 'envelope', format: 'json', source_kind: 'docs', confidence: 'docs-shown', ...extra };
  return `  - ${Object.entries(fields).map(([k, v]) => `${k}: ${v}`).join('\n    ')}\n`;
}

/** A corpus folder with documents and the given manifest and disagreements text. */
function corpus(name: string, docs: Record<string, unknown>, manifest: string, disagreements?: string): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'documents'), { recursive: true });
  for (const [file, doc] of Object.entries(docs)) writeFileSync(join(dir, 'documents', file), typeof doc === 'string' ? doc : JSON.stringify(doc));
  writeFileSync(join(dir, 'manifest.yaml'), `documents:\n${manifest}`);
  if (disagreements !== undefined) writeFileSync(join(dir, 'disagreements.yaml'), `disagreements:\n${disagreements}`);
  return dir;
}

const listed = (file: string) => `  - file: documents/${file}\n    reason: the response is a number\n    evidence: docs JSON Mode page\n`;

describe('validate --corpus', () => {
  it('prints accepted/total per task, source kind and part, and exits 0 when every rejection is listed', async () => {
    const dir = corpus('known', { 'a.json': good, 'b.json': numberResponse, 'c.py.txt': "{'result': None, 'success': False, 'errors': [{'code': 7009, 'message': 'x'}], 'messages': []}" },
      entry('documents/a.json') + entry('documents/b.json') + entry('documents/c.py.txt', { part: 'error', format: 'python-repr', source_kind: 'notebook', confidence: 'recorded-live', model: 'null' }), listed('b.json'));
    const result = await runCli(['validate', '--corpus', dir]);
    expect(result.code, result.stdout + result.stderr).toBe(0);
    expect(result.stdout).toContain('2/3 documents accepted, 1 known disagreement, 0 new rejections, 0 stale');
    expect(result.stdout).toMatch(/by task:\n\s+text-generation\s+2\/3/);
    expect(result.stdout).toMatch(/by source kind:\n\s+docs\s+1\/2\n\s+notebook\s+1\/1/);
    expect(result.stdout).toContain('documents/b.json: the response is a number');
  });

  it('exits 1 for a rejection nobody listed, naming the document and the finding', async () => {
    const dir = corpus('new', { 'b.json': numberResponse }, entry('documents/b.json'));
    const result = await runCli(['validate', '--corpus', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/new rejections \(1\)[\s\S]*documents\/b.json[\s\S]*\/result\/response/);
  });

  it('exits 1 for a stale disagreement: a listed document the contract accepts', async () => {
    const dir = corpus('stale', { 'a.json': good }, entry('documents/a.json'), listed('a.json'));
    const result = await runCli(['validate', '--corpus', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toMatch(/stale disagreements \(1\)[\s\S]*delete their entries[\s\S]*documents\/a.json/);
  });

  it('rejects an unknown model with its reason instead of crashing', async () => {
    const dir = corpus('unknown', { 'a.json': good }, entry('documents/a.json', { model: '"@cf/meta/llama-9-imaginary"' }));
    const result = await runCli(['validate', '--corpus', dir]);
    expect(result.code).toBe(1);
    expect(result.stdout).toContain("@cf/meta/llama-9-imaginary is not in the contract's catalogue");
  });

  it('is a usage error (exit 2) for a broken manifest, a missing file or a missing folder', async () => {
    const noPart = corpus('nopart', { 'a.json': good }, entry('documents/a.json', { part: 'answer' }));
    expect((await runCli(['validate', '--corpus', noPart])).stderr).toMatch(/part must be one of envelope, output/);
    const missing = corpus('missing', {}, entry('documents/gone.json'));
    const result = await runCli(['validate', '--corpus', missing]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('documents/gone.json does not exist');
    expect((await runCli(['validate', '--corpus', join(root, 'nowhere')])).code).toBe(2);
    const wrongTask = corpus('wrongtask', { 'a.json': good }, entry('documents/a.json', { task: 'translation' }));
    expect((await runCli(['validate', '--corpus', wrongTask])).stderr).toMatch(/task translation contradicts the catalogue, which files @cf\/meta\/llama-3.1-8b-instruct under text-generation/);
    expect((await runCli(['validate', '--corpus', noPart, '--model', LLAMA])).code).toBe(2);
  });
});

describe('validate --part stream|error|binding and --endpoint', () => {
  it('judges an /ai/run SSE transcript, exit 1 naming stream.framing when [DONE] is missing', async () => {
    const events = ['data: {"response":"Hi","p":"abc"}', 'data: {"response":"","usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4}}'];
    const ok = await runCli(['validate', '--model', LLAMA, '--part', 'stream'], `${events.join('\n\n')}\n\ndata: [DONE]\n\n`);
    expect(ok.code, ok.stdout).toBe(0);
    const cut = await runCli(['validate', '--model', LLAMA, '--part', 'stream'], events.join('\n\n'));
    expect(cut.code).toBe(1);
    expect(cut.stdout).toMatch(/^stream\.framing: .*\[DONE\]/m);
  });

  it('judges error bodies without a model, and /ai/v1 bodies with --endpoint', async () => {
    expect((await runCli(['validate', '--part', 'error'], JSON.stringify(errorBody))).code).toBe(0);
    const v1 = await runCli(['validate', '--endpoint', 'embeddings'], JSON.stringify({ object: 'list', data: [{ object: 'embedding', embedding: [0.1], index: 0 }], model: '@cf/baai/bge-base-en-v1.5', usage: { prompt_tokens: 1, total_tokens: 1 } }));
    expect(v1.code).toBe(1);
    expect(v1.stdout).toMatch(/openai\.embeddings: .*768/);
  });

  it('judges /ai/v1/messages documents with --endpoint messages: Anthropic errors, messages, a Messages model named', async () => {
    const notSupported = { type: 'error', error: { type: 'invalid_request_error', message: 'AiError: Anthropic Messages API is not supported for model "@cf/moonshotai/kimi-k2.6" (x)' } };
    expect((await runCli(['validate', '--part', 'error', '--endpoint', 'messages'], JSON.stringify(notSupported))).code).toBe(0);
    // Without the endpoint the same body is no v4 error envelope.
    expect((await runCli(['validate', '--part', 'error'], JSON.stringify(notSupported))).code).toBe(1);
    const message = { id: 'msg_01', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hi' }], model: 'claude-opus-5-5', stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 3, output_tokens: 1 } };
    const valid = await runCli(['validate', '--endpoint', 'messages', '--model', 'anthropic/claude-opus-5.5'], JSON.stringify(message));
    expect(valid.stdout).toMatch(/^valid: standard input is a valid response of \/ai\/v1\/messages/);
    const broken = await runCli(['validate', '--endpoint', 'messages'], JSON.stringify({ ...message, role: 'user' }));
    expect(broken.code).toBe(1);
    expect(broken.stdout).toMatch(/^openai\.messages: \/role/m);
  });

  it('judges a partner model\'s answers by their POST /ai/run forms (Completed, Failed)', async () => {
    const completed = { gatewayMetadata: { keySource: 'Unified' }, result: { audio: 'https://example.com/a.mp3' }, state: 'Completed' };
    const valid = await runCli(['validate', '--model', 'inworld/tts-1.5-mini'], JSON.stringify(completed));
    expect(valid.code).toBe(0);
    expect(valid.stdout).toMatch(/^valid: standard input is a valid response of the partner model inworld\/tts-1\.5-mini \(POST \/ai\/run\)/);
    const wrongResult = await runCli(['validate', '--model', 'inworld/tts-1.5-mini', '--part', 'binding'], JSON.stringify({ ...completed, result: {} }));
    expect(wrongResult.code).toBe(1);
    expect(wrongResult.stdout).toMatch(/^\/result: .*audio/m);
    expect((await runCli(['validate', '--model', 'openai/gpt-5.4-mini', '--part', 'error'], JSON.stringify({ state: 'Failed', error: 'Model execution failed (User Input Error): x' }))).code).toBe(0);
    expect((await runCli(['validate', '--model', 'inworld/tts-1.5-mini', '--part', 'stream'], 'data: {}\n\n')).stderr).toMatch(/--part stream is not described for the partner model/);
  });

  it('refuses flags that do not go together', async () => {
    expect((await runCli(['validate', '--part', 'output', '--endpoint', 'embeddings', '--model', LLAMA], '{}')).stderr).toMatch(/--endpoint goes with --part response, stream or error/);
    expect((await runCli(['validate', '--endpoint', 'images'], '{}')).stderr).toMatch(/--endpoint must be one of chat\/completions/);
    expect((await runCli(['validate', '--part', 'stream'], '')).stderr).toMatch(/--model is required/);
  });
});
