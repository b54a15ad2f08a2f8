import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { CHECK_IDS, evaluateChecks } from '../../../src/checks/index.js';
import { loadContract } from '../../../src/contract/load.js';
import { HttpTarget } from '../../../src/targets/http-target.js';
import type { RequestSpec } from '../../../src/targets/types.js';
import { runCli } from '../../helpers/cli.js';
import { startTestServer, type TestServer } from './test-server.js';

/**
 * A target that answers what a hostile (or broken) server might: a 10 MB answer that is valid, 50,000
 * nested arrays, and 10 MB of items that each fail a oneOf (pathological for error explanation). The
 * harness's HTTP client, every check and `validate` must judge each in bounded time and memory.
 */
const contract = loadContract();
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const TEN_MB = 10 * 1024 * 1024;

const nested = (depth: number): string => '['.repeat(depth) + ']'.repeat(depth);
const usage = '{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}';

/** The hostile bodies, by path. */
const BODIES: Record<string, () => string> = {
  // Valid against llama's output schema: one 10 MB response string.
  '/huge-valid': () => `{"result":{"response":"${'word '.repeat(TEN_MB / 5)}","usage":${usage}},"success":true,"errors":[],"messages":[]}`,
  // 50,000 nested arrays where a string is expected (a tool call's name: a JSON-mode `response` may be an array).
  '/deep': () => `{"result":{"response":"x","tool_calls":[{"name":${nested(50_000)},"arguments":{}}],"usage":${usage}},"success":true,"errors":[],"messages":[]}`,
  // ~10 MB of tool calls, each wrong in every alternative.
  '/pathological': () => {
    const call = '{"name":7,"arguments":7,"function":7},';
    const calls = call.repeat(Math.floor(TEN_MB / call.length)).slice(0, -1);
    return `{"result":{"response":"x","tool_calls":[${calls}],"usage":${usage}},"success":true,"errors":[],"messages":[]}`;
  },
  // An error envelope with 300,000 errors.
  '/many-errors': () => `{"success":false,"errors":[${'{"code":"x","message":7},'.repeat(300_000).slice(0, -1)}],"messages":[],"result":null}`,
};

let server: TestServer;
const cache = new Map<string, string>();
const body = (path: string): string => {
  let text = cache.get(path);
  if (text === undefined) cache.set(path, (text = BODIES[path]!()));
  return text;
};

beforeAll(async () => {
  server = await startTestServer((request, response) => {
    const path = Object.keys(BODIES).find((p) => request.url.includes(p));
    if (!path) {
      response.writeHead(404).end();
      return;
    }
    const text = body(path);
    response.writeHead(path === '/many-errors' ? 400 : 200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
    response.end(text);
  });
});
afterAll(async () => {
  await server?.close();
});

function targetAt(path: string): HttpTarget {
  return new HttpTarget({ kind: 'url', layout: { kind: 'rest', root: `${server.url}${path}`, accountId: 'acc' }, auth: { kind: 'token', token: 'hostile-canary' }, timeoutMs: 30_000 });
}

const spec: RequestSpec = { operation: { kind: 'run', model: LLAMA }, method: 'POST', body: { json: { prompt: 'hi', max_tokens: 16 } } };

describe('judging hostile answers', () => {
  it.each(Object.keys(BODIES))('every check judges %s in bounded time and memory, and none crashes', async (path) => {
    const target = targetAt(path);
    try {
      const exchange = await target.send(spec);
      expect(exchange.response?.status).toBeGreaterThan(0);
      const delay = monitorEventLoopDelay({ resolution: 10 });
      delay.enable();
      const heapBefore = process.memoryUsage().heapUsed;
      const expectation = path === '/many-errors' ? 'client-error' : 'success';
      const outcomes = evaluateChecks(CHECK_IDS, exchange, { contract, model: contract.model(LLAMA), expectation, input: { prompt: 'hi', max_tokens: 16 } });
      delay.disable();
      const findings = outcomes.flatMap((o) => o.findings);
      expect(findings.filter((f) => f.message.startsWith('check crashed')).map((f) => f.message)).toEqual([]);
      // Findings are explained, not dumped: few, and short.
      expect(findings.length).toBeLessThan(1_000);
      for (const finding of findings) expect(finding.message.length).toBeLessThan(2_000);
      if (path !== '/huge-valid') expect(findings.length).toBeGreaterThan(0);
      // Generous bounds (a shared, loaded machine): the quadratic explanation took minutes here.
      expect(delay.max / 1e6).toBeLessThan(10_000);
      expect(process.memoryUsage().heapUsed - heapBefore).toBeLessThan(512 * 1024 * 1024);
    } finally {
      await target.close();
    }
  }, 60_000);

  it.each(['/deep', '/pathological', '/many-errors'])('validate --part response judges %s (10 MB at most) and exits 1 with a bounded report', async (path) => {
    const result = await runCli(['validate', '--model', LLAMA, '--part', 'response', '-'], body(path));
    expect(result.code).toBe(1);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThanOrEqual(201);
    for (const line of lines) expect(line.length).toBeLessThan(2_000);
  }, 60_000);
});
