/** @module The binding face over plain HTTP (bare protocol and Miniflare's envelope), and the toMarkdown converters. */
import { afterAll, beforeAll, describe, expect, test } from 'vitest';
import { convertToMarkdown, parseCsv, readConversionOptions, type MarkdownConversionOptions } from '../../../src/emulator/binding-markdown.js';
import { isBindingRequest, unwrapBindingRequest } from '../../../src/emulator/binding-envelope.js';
import { startEmulator, type RunningEmulator } from '../../../src/emulator/index.js';

let emulator: RunningEmulator;
beforeAll(async () => {
  emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: 'rest-only-token', streamDelayMs: 0 });
});
afterAll(() => emulator.close());

const run = (inputs: unknown, headers: Record<string, string> = {}, path = '/run?version=3', options: unknown = {}) =>
  fetch(`${emulator.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'cf-consn-sdk-version': '2.0.0', 'cf-consn-model-id': '@cf/meta/llama-3.1-8b-instruct', ...headers },
    body: JSON.stringify({ inputs, options }),
  });

describe('the binding protocol', () => {
  test('/run answers the bare result with content type exactly application/json, no token needed', async () => {
    const response = await run({ prompt: 'hi', max_tokens: 4 });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/json');
    expect(response.headers.get('cf-ai-req-id')).toMatch(/^[0-9a-f-]{36}$/);
    expect(Object.keys((await response.json()) as object)).toContain('response');
  });

  test('the same inputs answer the same as REST /ai/run', async () => {
    const inputs = { prompt: 'Where is New York?', max_tokens: 12 };
    const binding = await (await run(inputs)).json();
    const rest = await fetch(`${emulator.url}/client/v4/accounts/a/ai/run/@cf/meta/llama-3.1-8b-instruct`, {
      method: 'POST',
      headers: { authorization: 'Bearer rest-only-token', 'content-type': 'application/json' },
      body: JSON.stringify(inputs),
    });
    expect(((await rest.json()) as { result: unknown }).result).toEqual(binding);
  });

  test('errors carry internalCode, name, description and errors', async () => {
    const response = await run({ prompt: 'hi' }, { 'cf-consn-model-id': '@cf/nobody/none' });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ internalCode: 5007, name: 'InferenceUpstreamError', description: 'No such model @cf/nobody/none or task', errors: [{ code: 5007 }] });
  });

  test("Miniflare's envelope is unwrapped and its WebSocket session refused at once", async () => {
    const wrapped = await fetch(`${emulator.url}/`, {
      method: 'POST',
      headers: { 'mf-url': 'https://workers-binding.ai/run?version=3', 'mf-binding': 'AI', 'mf-header-content-type': 'application/json', 'mf-header-cf-consn-model-id': '@cf/baai/bge-small-en-v1.5' },
      body: JSON.stringify({ inputs: { text: 'x' }, options: {} }),
    });
    expect(wrapped.headers.get('content-type')).toBe('application/json');
    expect(((await wrapped.json()) as { shape: number[] }).shape).toEqual([1, 384]);
    const session = await fetch(`${emulator.url}/?MF-Binding=AI`);
    expect(session.status).toBe(426);
    expect(isBindingRequest('/client/v4/accounts/a/ai/run/x', {})).toBe(false);
    expect(isBindingRequest('/running', {})).toBe(false);
    expect(unwrapBindingRequest('POST', '/', { 'mf-url': 'not a url' })).toBeUndefined();
  });

  test('a gateway run answers HIT the second time with cacheTtl, and logs both', async () => {
    const options = { gateway: { id: 'gw', cacheTtl: 3600 } };
    const first = await run({ prompt: 'cache me' }, {}, '/ai-gateway/run?version=3', options);
    const second = await run({ prompt: 'cache me' }, {}, '/ai-gateway/run?version=3', options);
    expect([first.headers.get('cf-aig-cache-status'), second.headers.get('cf-aig-cache-status')]).toEqual(['MISS', 'HIT']);
    const log = await fetch(`${emulator.url}/ai-gateway/gateways/gw/logs/${second.headers.get('cf-aig-log-id')}`);
    expect(((await log.json()) as { result: { cached: boolean } }).result.cached).toBe(true);
  });
});

describe('toMarkdown conversions', () => {
  const file = (name: string, mimeType: string, text: string) => convertToMarkdown({ name, mimeType, data: Buffer.from(text).toString('base64') });

  test('CSV with quoted fields becomes a table', () => {
    expect(parseCsv('a,"b,c"\r\n"x ""y""",2\n')).toEqual([['a', 'b,c'], ['x "y"', '2']]);
    expect(file('t.csv', '', 'h1,h2\n"a|b",2\n')).toMatchObject({ format: 'markdown', data: '| h1 | h2 |\n| --- | --- |\n| a\\|b | 2 |\n' });
  });

  test('JSON, XML, text and Markdown; broken JSON and XML are errors that say why', () => {
    expect(file('d.json', 'application/json', '{"a":1}')).toMatchObject({ format: 'markdown', data: '```json\n{\n  "a": 1\n}\n```\n' });
    expect(file('d.xml', 'application/xml', '<book id="1"><title>Dune</title><tags><tag>sf</tag></tags></book>')).toMatchObject({
      format: 'markdown',
      data: '- **book** (id="1")\n  - **title**: Dune\n  - **tags**\n    - **tag**: sf\n',
    });
    expect(file('n.txt', 'text/plain', 'plain words')).toMatchObject({ format: 'markdown', data: 'plain words', tokens: 2 });
    expect(file('r.md', 'application/octet-stream', '# Read me')).toMatchObject({ format: 'markdown', data: '# Read me' });
    expect(file('d.json', 'application/json', '{').format).toBe('error');
    expect(file('d.xml', 'text/xml', '<a><b></a>')).toMatchObject({ format: 'error' });
  });

  test('conversionOptions: output.format "text" removes Markdown syntax and says so in `format`', () => {
    const html = (text: string, options: MarkdownConversionOptions) => convertToMarkdown({ name: 'p.html', mimeType: 'text/html', data: Buffer.from(text).toString('base64') }, options);
    const page = '<h1>Title</h1><p>Some <strong>bold</strong> and a <a href="/docs">link</a>.</p>';
    expect(html(page, {})).toMatchObject({ format: 'markdown', data: '# Title\n\nSome **bold** and a [link](/docs).' });
    const text = html(page, { output: { format: 'text' } });
    expect(text).toMatchObject({ format: 'text' });
    expect(text.format === 'text' && text.data).toBe('Title\n\nSome bold and a link.');
    expect(text.format === 'text' && text.tokens).toBeGreaterThan(0);
  });

  test('conversionOptions.html: hostname resolves relative links and images, cssSelector picks the elements converted', () => {
    const html = (text: string, options: MarkdownConversionOptions) => convertToMarkdown({ name: 'p.html', mimeType: 'text/html', data: Buffer.from(text).toString('base64') }, options);
    const page = '<nav><a href="/home">Home</a></nav><article><p>Read <a href="guide/a?x=1">the guide</a>, <a href="#top">top</a>, <a href="mailto:a@b.c">mail</a></p><img src="/i.png" alt="pic"></article>';
    const resolved = html(page, { html: { hostname: 'example.com' } });
    expect(resolved.format === 'markdown' && resolved.data).toContain('[Home](https://example.com/home)');
    expect(resolved.format === 'markdown' && resolved.data).toContain('[the guide](https://example.com/guide/a?x=1)');
    expect(resolved.format === 'markdown' && resolved.data).toContain('[top](#top)');
    expect(resolved.format === 'markdown' && resolved.data).toContain('[mail](mailto:a@b.c)');
    expect(resolved.format === 'markdown' && resolved.data).toContain('![pic](https://example.com/i.png)');
    const picked = html(page, { html: { cssSelector: 'article p', hostname: 'http://docs.test/base/' } });
    expect(picked).toMatchObject({ format: 'markdown', data: 'Read [the guide](http://docs.test/base/guide/a?x=1), [top](#top), [mail](mailto:a@b.c)' });
    expect(html(page, { html: { cssSelector: 'table' } })).toMatchObject({ format: 'markdown', data: '' });
    expect(html(page, { html: { cssSelector: 'a[' } })).toMatchObject({ format: 'error', error: expect.stringMatching(/cssSelector "a\[" is not a CSS selector/) });
  });

  test('readConversionOptions takes what workers-types allows and names the malformed member', () => {
    expect(readConversionOptions(undefined)).toEqual({ ok: true, options: {} });
    expect(readConversionOptions({ output: { format: 'text' }, html: { hostname: 'a.b' }, pdf: { metadata: false }, image: { descriptionLanguage: 'de' } })).toEqual({ ok: true, options: { output: { format: 'text' }, html: { hostname: 'a.b' } } });
    expect(readConversionOptions({ output: { format: 'pdf' } })).toMatchObject({ ok: false, error: expect.stringMatching(/output\.format must be "markdown" or "text"/) });
    expect(readConversionOptions({ html: { cssSelector: 3 } })).toMatchObject({ ok: false, error: expect.stringMatching(/html\.cssSelector must be a non-empty string/) });
    expect(readConversionOptions([])).toMatchObject({ ok: false });
  });

  test('formats the emulator does not convert get a clear error result', () => {
    const result = file('scan.png', 'image/png', 'PNG');
    expect(result).toMatchObject({ format: 'error', name: 'scan.png', mimeType: 'image/png' });
    expect(result.format === 'error' && result.error).toMatch(/converts HTML, Markdown, CSV, JSON, XML and plain text/);
  });
});
