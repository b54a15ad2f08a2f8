import { describe, expect, it } from 'vitest';
import type { Har, HarEntry } from '../../../src/cassettes/har-types.js';
import { canonicalJson, withoutFields, DEFAULT_VOLATILE_FIELDS } from '../../../src/cassettes/match.js';
import { ReplayStore } from '../../../src/cassettes/replay.js';
import { locate } from '../../../src/cassettes/locate.js';
import { runCli } from '../../helpers/cli.js';

const LLAMA = '@cf/meta/llama-3.1-8b-instruct';

function entry(url: string, body: unknown, answer: string, extra: Partial<HarEntry> = {}): HarEntry {
  return {
    startedDateTime: '2026-01-01T00:00:00.000Z',
    time: 3,
    request: { method: 'POST', url, httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'application/json' }], queryString: [], postData: { mimeType: 'application/json', text: JSON.stringify(body) }, headersSize: -1, bodySize: -1 },
    response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'Content-Type', value: 'application/json' }, { name: 'Content-Length', value: '99' }], content: { size: answer.length, mimeType: 'application/json', text: answer }, redirectURL: '', headersSize: -1, bodySize: -1 },
    cache: {},
    timings: { send: 0, wait: 2, receive: 1 },
    ...extra,
  };
}

const har = (...entries: HarEntry[]): Har => ({ log: { version: '1.2', creator: { name: 't', version: '1' }, entries } });
const request = (model: string, body: unknown, credential: 'default' | 'none' | 'invalid' = 'default') => ({
  method: 'POST',
  layout: 'rest' as const,
  operation: { kind: 'run' as const, model },
  query: {},
  credential,
  body: { json: body },
});

describe('matching recorded requests', () => {
  const url = `https://api.cloudflare.com/client/v4/accounts/abc/ai/run/${LLAMA}`;

  it('reads model ids raw or percent-encoded, under any API root, and the gateway layout', () => {
    expect(locate(url)?.operation).toEqual({ kind: 'run', model: LLAMA });
    expect(locate('http://127.0.0.1:9/client/v4/accounts/abc/ai/run/%40cf%2Fmeta%2Fllama-3.1-8b-instruct')?.operation).toEqual({ kind: 'run', model: LLAMA });
    expect(locate('http://127.0.0.1:4010/accounts/abc/ai/v1/chat/completions')?.operation).toEqual({ kind: 'openai', endpoint: 'chat/completions' });
    expect(locate(`https://gateway.ai.cloudflare.com/v1/abc/gw/workers-ai/${LLAMA}`)).toMatchObject({ layout: 'gateway', operation: { kind: 'run', model: LLAMA } });
    expect(locate('https://api.cloudflare.com/client/v4/zones')).toBeUndefined();
  });

  it('compares bodies as canonical JSON, without the volatile fields', () => {
    expect(canonicalJson({ b: 1, a: [{ d: 2, c: 3 }] })).toBe('{"a":[{"c":3,"d":2}],"b":1}');
    expect(withoutFields({ user: 'u', metadata: { x: 1 }, keep: 1 }, DEFAULT_VOLATILE_FIELDS)).toEqual({ keep: 1 });
    expect(withoutFields({ messages: [{ role: 'user', id: 1 }, { role: 'x', id: 2 }] }, ['/messages/*/id'])).toEqual({ messages: [{ role: 'user' }, { role: 'x' }] });
    const store = new ReplayStore([har(entry(url, { prompt: 'hi', max_tokens: 5, user: 'alice' }, '{"result":1}'))], { mode: 'strict' });
    expect(store.lookup(request(LLAMA, { max_tokens: 5, prompt: 'hi', user: 'bob' }), 0)).toMatchObject({ kind: 'recorded', entry: 1 });
    expect(store.lookup(request(LLAMA, { max_tokens: 6, prompt: 'hi' }), 0)).toEqual({
      kind: 'unmatched',
      message: `no recorded exchange matches POST /ai/run/${LLAMA}; nearest recorded: entry #1 POST /ai/run/${LLAMA}, which differs in the body at /max_tokens: recorded 5, sent 6`,
    });
    expect(store.stats).toEqual({ matched: 1, unmatched: 1 });
  });

  it('serves several recordings of one request in recorded order, repeating the last; drops hop-by-hop headers', () => {
    const store = new ReplayStore([har(entry(url, { prompt: 'x' }, '"first"'), entry(url, { prompt: 'x' }, '"second"'))]);
    const bodies = [0, 1, 2].map(() => {
      const found = store.lookup(request(LLAMA, { prompt: 'x' }), 0);
      return found?.kind === 'recorded' ? Buffer.from(found.answer.body as Uint8Array).toString() : found;
    });
    expect(bodies).toEqual(['"first"', '"second"', '"second"']);
    const found = store.lookup(request(LLAMA, { prompt: 'x' }), 0);
    expect(found?.kind === 'recorded' && found.answer.headers).toEqual({ 'content-type': 'application/json' });
  });

  it('keeps credential classes apart: a recorded 401 answers only a request without credentials', () => {
    const refused = entry(url, { prompt: 'x' }, '{"success":false}', {
      response: { ...entry(url, {}, '').response, status: 401, content: { size: 17, mimeType: 'application/json', text: '{"success":false}' } },
      _wai: { execution: 'auth:x', index: 0, expectation: 'auth-error', auth: 'none', attempts: 1, verdicts: [] },
    });
    const store = new ReplayStore([har(refused)]);
    expect(store.lookup(request(LLAMA, { prompt: 'x' }, 'none'), 0)).toMatchObject({ kind: 'recorded' });
    expect(store.lookup(request(LLAMA, { prompt: 'x' }, 'default'), 0)).toBeUndefined(); // fallback: the emulator answers
  });

  it('writes a recorded stream event by event', () => {
    const stream = 'data: {"response":"a"}\n\ndata: {"response":"b"}\n\ndata: [DONE]\n\n';
    const recorded = entry(url, { prompt: 's', stream: true }, stream);
    recorded.response.headers = [{ name: 'content-type', value: 'text/event-stream' }];
    recorded.response.content.mimeType = 'text/event-stream';
    const found = new ReplayStore([har(recorded)]).lookup(request(LLAMA, { prompt: 's', stream: true }), 7);
    const body = found?.kind === 'recorded' ? (found.answer.body as { chunks: Uint8Array[]; chunkDelayMs: number }) : undefined;
    expect(body?.chunks.map((c) => Buffer.from(c).toString())).toEqual(['data: {"response":"a"}\n\n', 'data: {"response":"b"}\n\n', 'data: [DONE]\n\n']);
    expect(body?.chunkDelayMs).toBe(7);
  });
});

describe('mock --replay flags', () => {
  it('are usage errors when wrong, before anything listens', async () => {
    expect((await runCli(['mock', '--replay-mode', 'strict'])).code).toBe(2);
    const missing = await runCli(['mock', '--replay', '/nonexistent/x.har']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/--replay: cannot read \/nonexistent\/x\.har: ENOENT/);
  });
});
