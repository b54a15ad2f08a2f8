import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mergeCassettes, parseHar, readHar, CassetteError } from '../../../src/cassettes/cassette-file.js';
import type { Har } from '../../../src/cassettes/har-types.js';
import { judgeHars } from '../../../src/cassettes/judge.js';
import { loadContract } from '../../../src/contract/load.js';
import { DEFAULT_OPTIONS, type RunOptions } from '../../../src/harness/options.js';
import type { ConformanceReport, ResultRecord } from '../../../src/harness/report.js';
import { runConformance } from '../../../src/harness/session.js';
import { harErrors } from '../../helpers/har-schema.js';

const dir = mkdtempSync(join(tmpdir(), 'wai-cassette-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const contract = loadContract();

/** A run's verdicts in a comparable form: one line per model × task × endpoint × check. */
export function verdicts(report: ConformanceReport): string[] {
  const line = (r: ResultRecord) => `${r.model} | ${r.task} | ${r.endpoint} | ${r.check}: ${r.status} ${r.requests} ${r.failures.map((f) => `${f.message} @${f.path}`).join(' ; ')}`;
  return report.results.map(line).sort();
}

function options(overrides: Partial<RunOptions>): RunOptions {
  return { ...DEFAULT_OPTIONS, seed: 11, reportDir: dir, reporters: [], concurrency: 4, ...overrides };
}

describe('run --record, then judge', () => {
  let report: ConformanceReport;
  let har: Har;
  beforeAll(async () => {
    // Faults that break some answers: the verdicts then hold failures, shrinking and passes side by side.
    const record = join(dir, 'faulty.har');
    report = await runConformance(options({ models: ['@cf/meta/llama-3.1-8b-instruct', '@cf/huggingface/distilbert-sst-2-int8', '@cf/lykon/dreamshaper-8-lcm'], faults: ['score-out-of-range', 'missing-done'], record }), {}, contract);
    har = readHar(record);
  }, 60_000);

  it('writes HAR 1.2 that the har-schema JSON Schema accepts', () => {
    expect(harErrors(har)).toEqual([]);
    expect(har.log.version).toBe('1.2');
    expect(har.log.entries.length).toBe(report.summary.requests);
  });

  it('judges the cassette into exactly the verdicts of the run it came from', () => {
    expect(report.summary.failed).toBeGreaterThan(0);
    const judged = judgeHars({ files: [{ name: 'faulty.har', har }], contract }).report;
    expect(verdicts(judged)).toEqual(verdicts(report));
    expect(judged.summary).toMatchObject({ passed: report.summary.passed, failed: report.summary.failed, skipped: report.summary.skipped });
  });

  it('keeps binary answers as base64 with their media type, streams as received with each event time, verdicts per entry', () => {
    const image = har.log.entries.find((e) => e.response.content.mimeType === 'image/jpeg' || e.response.content.mimeType === 'image/png');
    expect(image?.response.content.encoding).toBe('base64');
    const bytes = Buffer.from(image!.response.content.text!, 'base64');
    expect(bytes.byteLength).toBe(image!.response.content.size);
    const stream = har.log.entries.find((e) => e._wai?.events?.length);
    expect(stream?.response.content.mimeType).toBe('text/event-stream');
    expect(stream!.response.content.text).toContain('data: ');
    const times = stream!._wai!.events!.map((e) => e.atMs);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
    const failing = har.log.entries.filter((e) => e._wai?.verdicts.some((v) => v.status === 'failed'));
    expect(failing.length).toBeGreaterThan(0);
    expect(failing[0]!._wai!.verdicts.find((v) => v.status === 'failed')!.messages[0]).toMatch(/\S/);
  });

  it('judges with only the checks asked for', () => {
    const judged = judgeHars({ files: [{ name: 'faulty.har', har }], contract, checks: ['stream.framing'] }).report;
    expect(new Set(judged.results.map((r) => r.check))).toEqual(new Set(['stream.framing']));
    expect(judged.results.some((r) => r.status === 'failed')).toBe(true);
  });

  it('merges shard cassettes: execution ids stay apart, borrowed executions follow their shard', () => {
    const merged = mergeCassettes([har, har]);
    expect(merged.log.entries.length).toBe(2 * har.log.entries.length);
    const ids = Object.keys(merged.log._wai!.executions);
    expect(ids.filter((id) => id.startsWith('1/')).length).toBe(ids.filter((id) => id.startsWith('2/')).length);
    const catalog = merged.log._wai!.executions['2/catalog:']!;
    expect(catalog.borrows?.every((id) => id.startsWith('2/'))).toBe(true);
    const once = verdicts(judgeHars({ files: [{ name: 'a', har }], contract }).report);
    expect(verdicts(judgeHars({ files: [{ name: 'a', har: merged }], contract }).report)).toEqual([...once, ...once].sort());
  });
});

describe('reading HAR files', () => {
  it('names the file and the problem of a file that is not HAR', () => {
    expect(() => parseHar('{', 'x.har')).toThrow(CassetteError);
    expect(() => parseHar('{', 'x.har')).toThrow(/x\.har is not JSON/);
    expect(() => parseHar('{"log":{}}', 'y.har')).toThrow(/y\.har is not a HAR file: log\.entries/);
    expect(() => parseHar('{"log":{"entries":[{"request":{"method":"GET"}}]}}', 'z.har')).toThrow(/z\.har: log\.entries\[0\] has no request\.url/);
    expect(() => readHar(join(dir, 'missing.har'))).toThrow(/cannot read .*missing\.har: ENOENT/);
  });

  it('ignores and counts what is not Workers AI traffic in a foreign HAR', () => {
    const entry = (url: string) => ({
      startedDateTime: '2026-01-01T00:00:00.000Z',
      time: 1,
      request: { method: 'GET', url, httpVersion: 'HTTP/1.1', cookies: [], headers: [], queryString: [], headersSize: -1, bodySize: 0 },
      response: { status: 200, statusText: 'OK', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'application/json' }], content: { size: 2, mimeType: 'application/json', text: '{}' }, redirectURL: '', headersSize: -1, bodySize: 2 },
      cache: {},
      timings: { send: 0, wait: 1, receive: 0 },
    });
    const foreign = { log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [entry('https://example.com/'), entry('https://api.cloudflare.com/client/v4/zones'), entry('http://127.0.0.1:9/client/v4/accounts/a/ai/models/search')] } };
    expect(harErrors(foreign)).toEqual([]);
    const { counts } = judgeHars({ files: [{ name: 'f.har', har: parseHar(JSON.stringify(foreign), 'f.har') }], contract });
    expect(counts).toEqual({ recognised: 0, ignored: 3, executions: 0 });
  });
});

describe('judge: /ai/v1/messages traffic in a foreign HAR', () => {
  it('groups a Messages model\'s answer and a refused Workers AI model apart, each judged by its checks', () => {
    const post = (body: unknown, status: number, answer: unknown) => ({
      startedDateTime: '2026-01-01T00:00:00.000Z',
      time: 1,
      request: { method: 'POST', url: 'https://api.cloudflare.com/client/v4/accounts/a/ai/v1/messages', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'application/json' }], queryString: [], postData: { mimeType: 'application/json', text: JSON.stringify(body) }, headersSize: -1, bodySize: -1 },
      response: { status, statusText: '', httpVersion: 'HTTP/1.1', cookies: [], headers: [{ name: 'content-type', value: 'application/json' }], content: { size: -1, mimeType: 'application/json', text: JSON.stringify(answer) }, redirectURL: '', headersSize: -1, bodySize: -1 },
      cache: {},
      timings: { send: 0, wait: 1, receive: 0 },
    });
    const ask = (model: string) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] });
    const message = { id: 'msg_01', type: 'message', role: 'assistant', content: [{ type: 'text', text: 'Hello' }], model: 'claude-sonnet-4-5', stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } };
    const refusal = { type: 'error', error: { type: 'invalid_request_error', message: 'AiError: Anthropic Messages API is not supported for model "@cf/moonshotai/kimi-k2.6" (x)' } };
    const har = { log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [post(ask('anthropic/claude-sonnet-4.5'), 200, message), post(ask('@cf/moonshotai/kimi-k2.6'), 400, refusal)] } };
    expect(harErrors(har)).toEqual([]);
    const { report, counts } = judgeHars({ files: [{ name: 'm.har', har: parseHar(JSON.stringify(har), 'm.har') }], contract });
    expect(counts).toEqual({ recognised: 2, ignored: 0, executions: 2 });
    const seen = report.results.map((r) => `${r.endpoint} ${r.check} ${r.status}`).sort();
    expect(seen).toEqual(expect.arrayContaining(['POST /ai/v1/messages openai.messages passed', 'POST /ai/v1/messages status.success passed', 'POST /ai/v1/messages (refused model) status.client-error passed', 'POST /ai/v1/messages (refused model) envelope.shape passed']));
    expect(report.results.filter((r) => r.status === 'failed')).toEqual([]);
  });
});

describe('record: the cassette file', () => {
  it('is written where asked, as JSON', () => {
    const text = readFileSync(join(dir, 'faulty.har'), 'utf8');
    expect(JSON.parse(text).log._wai.cassette).toBe(1);
  });
});
