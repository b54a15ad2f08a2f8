import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseHar } from '../../../src/cassettes/cassette-file.js';
import { readExecutions } from '../../../src/cassettes/executions.js';
import type { Har } from '../../../src/cassettes/har-types.js';
import { judgeHars } from '../../../src/cassettes/judge.js';
import { ReplayStore } from '../../../src/cassettes/replay.js';
import { loadContract } from '../../../src/contract/load.js';
import type { ConformanceReport } from '../../../src/harness/report.js';
import { harErrors } from '../../helpers/har-schema.js';

// Produced by scripts/record-foreign-hars.ts: headless Chromium through mitmproxy, against the emulator.
const FIXTURES = { chromium: 'fixtures/har/chromium.har', mitmproxy: 'fixtures/har/mitmproxy.har' } as const;
const load = (path: string): Har => parseHar(readFileSync(path, 'utf8'), path);
const contract = loadContract();
const verdicts = (report: ConformanceReport) => report.results.map((r) => `${r.model} | ${r.task} | ${r.endpoint} | ${r.check}: ${r.status} ${r.requests}`).sort();

describe.each(Object.entries(FIXTURES))('a HAR exported by %s', (tool, path) => {
  const har = load(path);

  it('is HAR 1.2 by the har-schema JSON Schema, and was written by the tool', () => {
    expect(harErrors(har)).toEqual([]);
    expect(har.log.creator.name).toMatch(tool === 'chromium' ? /^Playwright$/ : /^mitmproxy har_dump$/);
  });

  it('is judged: Workers AI requests recognised and grouped as run would group them, the rest ignored and counted', () => {
    const read = readExecutions(har, contract);
    expect(read.recognised).toBe(9);
    const others = har.log.entries.filter((e) => !/\/client\/v4\/accounts\/[^/]+\/ai\/|\/v1\/[^/]+\/[^/]+\/workers-ai\//.test(e.request.url));
    expect(read.ignored).toBe(others.length);
    expect(others.some((e) => e.request.url.endsWith('/client/v4/user/tokens/verify'))).toBe(true);
    expect(read.groups.map((g) => `${g.id} ×${g.items.length}`).sort()).toEqual([
      'catalog: ×1',
      'openai:@cf/meta/llama-3.1-8b-instruct ×1',
      'run-invalid:@cf/meta/llama-3.1-8b-instruct ×1',
      'run-stream:@cf/meta/llama-3.1-8b-instruct ×1',
      'run-valid:@cf/baai/bge-base-en-v1.5 ×2',
      'run-valid:@cf/lykon/dreamshaper-8-lcm ×1',
      'run-valid:@cf/meta/llama-3.1-8b-instruct ×1',
      'unknown-model: ×1',
    ]);
    const { report } = judgeHars({ files: [{ name: path, har }], contract });
    expect(report.summary.failed).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(15);
  });

  it('finds a broken answer in it', () => {
    const broken = structuredClone(har);
    const entry = broken.log.entries.find((e) => e.request.url.includes('/ai/run/@cf/baai/bge-base-en-v1.5') && e.request.url.includes('api.cloudflare.com'))!;
    entry.response.content.text = entry.response.content.text!.replace('"success":true', '"success":"yes"');
    const { report } = judgeHars({ files: [{ name: path, har: broken }], contract });
    const failed = report.results.filter((r) => r.status === 'failed').map((r) => `${r.model} ${r.check}`);
    expect(failed).toContain('@cf/baai/bge-base-en-v1.5 envelope.shape');
    expect(failed.every((f) => f.startsWith('@cf/baai/bge-base-en-v1.5'))).toBe(true);
  });

  it('is replayed: the recorded answer for the same request, whether the model id is raw or encoded', () => {
    const store = new ReplayStore([har], { mode: 'strict' });
    const ask = (model: string, body: unknown) => store.lookup({ method: 'POST', layout: 'rest', operation: { kind: 'run', model }, query: {}, credential: 'default', body: { json: body } }, 0);
    const streamed = ask('@cf/meta/llama-3.1-8b-instruct', { stream: true, max_tokens: 16, prompt: 'Tell me a story' });
    expect(streamed?.kind).toBe('recorded');
    if (streamed?.kind === 'recorded') expect(Buffer.concat((streamed.answer.body as { chunks: Uint8Array[] }).chunks).toString()).toMatch(/data: \[DONE\]\n\n$/);
    expect(ask('@cf/meta/llama-3.1-8b-instruct', { prompt: 'y', max_tokens: 0 })?.kind).toBe('unmatched');
  });
});

describe('the two shapes of the same traffic', () => {
  it('judge to the same verdicts', () => {
    const [chromium, mitmproxy] = Object.values(FIXTURES).map((path) => judgeHars({ files: [{ name: path, har: load(path) }], contract }).report);
    expect(verdicts(chromium!)).toEqual(verdicts(mitmproxy!));
  });
});
