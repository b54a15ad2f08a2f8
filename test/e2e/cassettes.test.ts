import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readHar } from '../../src/cassettes/cassette-file.js';
import type { Har } from '../../src/cassettes/har-types.js';
import { ReplayStore } from '../../src/cassettes/replay.js';
import { startEmulator } from '../../src/emulator/index.js';
import type { ConformanceReport, ResultRecord } from '../../src/harness/report.js';
import { validateReport } from '../../reporters/report-schema.js';
import { runCli, spawnCli } from '../helpers/cli.js';
import { harErrors } from '../helpers/har-schema.js';

const cli = spawnCli;

const dir = mkdtempSync(join(tmpdir(), 'wai-cassettes-e2e-'));
const MODELS = '@cf/meta/llama-3.1-8b-instruct,@cf/baai/bge-base-en-v1.5';
const TOKEN = 'replay-token-0123456789';
const readReport = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as ConformanceReport;
const verdicts = (report: ConformanceReport, keep: (r: ResultRecord) => boolean = () => true) =>
  report.results
    .filter(keep)
    .map((r) => `${r.model} | ${r.endpoint} | ${r.check}: ${r.status} ${r.requests} ${r.failures.map((f) => f.message).join(' ; ')}`)
    .sort();

/** A request without its origin (the oracle run's emulator listens elsewhere than the recorded one). */
const requestOf = (e: Har['log']['entries'][number]) => `${new URL(e.request.url).pathname} ${e.request.postData?.text ?? ''}`;

let recorded: ConformanceReport;
let cassette: Har;
let replay: { store: ReplayStore; url: string; close: () => Promise<void> };
let replayed: Promise<{ code: number | null; stderr: string }>;
let oracle: Promise<{ code: number | null; stderr: string }>;

beforeAll(async () => {
  const run = await cli(['run', '--models', MODELS, '--seed', '21', '--report-dir', join(dir, 'recorded'), '--reporters', 'json', '--record', join(dir, 'recorded.har')]);
  expect(run.stderr).toMatch(/passed, 0 failed/);
  recorded = readReport(join(dir, 'recorded', 'conformance.json'));
  cassette = readHar(join(dir, 'recorded.har'));
  // Replay and oracle runs are independent: both start now and the tests await them.
  const store = new ReplayStore([cassette], { mode: 'strict' });
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, token: TOKEN, replay: store });
  replay = { store, url: emulator.url, close: () => emulator.close() };
  replayed = cli(['run', '--target', 'url', '--base-url', `${emulator.url}/client/v4`, '--models', MODELS, '--seed', '21', '--report-dir', join(dir, 'replayed'), '--reporters', 'json'], { CLOUDFLARE_API_TOKEN: TOKEN });
  oracle = cli(['run', '--oracle', join(dir, 'recorded.har'), '--fault', 'missing-done', '--report-dir', join(dir, 'oracle'), '--reporters', 'json', '--record', join(dir, 'oracle.har')]);
}, 120_000);

afterAll(async () => {
  await Promise.allSettled([replayed, oracle]);
  await replay?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('record, then judge', () => {
  it('the cassette is HAR 1.2 and judge gives the verdicts of the run it came from, with its exit code', async () => {
    expect(harErrors(cassette)).toEqual([]);
    const judged = await runCli(['judge', join(dir, 'recorded.har'), '--report-dir', join(dir, 'judged'), '--reporters', 'json,markdown']);
    expect(judged.stderr).toMatch(/\d+ Workers AI exchanges in \d+ executions judged, 0 other entries ignored/);
    expect(judged.code).toBe(0);
    const report = readReport(join(dir, 'judged', 'conformance.json'));
    expect(validateReport(report)).toEqual([]);
    expect(verdicts(report)).toEqual(verdicts(recorded));
    expect(readFileSync(join(dir, 'judged', 'summary.md'), 'utf8')).toMatch(/conformant/);
  });

  it('exits 2 for a file that is not HAR and 3 when nothing in it is Workers AI traffic', async () => {
    writeFileSync(join(dir, 'broken.har'), '{"log": 1}');
    const broken = await runCli(['judge', join(dir, 'broken.har')]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toMatch(/broken\.har is not a HAR file/);
    writeFileSync(join(dir, 'empty.har'), JSON.stringify({ log: { version: '1.2', creator: { name: 'x', version: '1' }, entries: [] } }));
    const empty = await runCli(['judge', join(dir, 'empty.har'), '--report-dir', join(dir, 'empty')]);
    expect(empty.code).toBe(3);
    expect((await runCli(['judge'])).code).toBe(2);
  });
});

describe('sharded recording', () => {
  it('--merge-reports merges the cassettes each shard report names (looked for beside the report), and the merge judges as the merged report', async () => {
    const shards = ['1', '2'].map((n) => {
      const shard = join(dir, `shard-${n}`);
      mkdirSync(shard, { recursive: true });
      // A shard's artefacts moved to another machine: the report still names the path it was recorded at.
      copyFileSync(join(dir, 'recorded.har'), join(shard, 'recorded.har'));
      writeFileSync(join(shard, 'conformance.json'), JSON.stringify({ ...recorded, settings: { ...recorded.settings, record: `/elsewhere/shard-${n}/recorded.har` } }));
      return join(shard, 'conformance.json');
    });
    const merged = await runCli(['run', '--merge-reports', shards.join(','), '--report-dir', join(dir, 'merged'), '--reporters', 'json']);
    expect(merged.stderr).toMatch(/merged\/recorded\.har/);
    const har = readHar(join(dir, 'merged', 'recorded.har'));
    expect(har.log.entries.length).toBe(2 * cassette.log.entries.length);
    const judged = await runCli(['judge', join(dir, 'merged', 'recorded.har'), '--report-dir', join(dir, 'merged-judged'), '--reporters', 'json']);
    expect(judged.code).toBe(0);
    expect(verdicts(readReport(join(dir, 'merged-judged', 'conformance.json')))).toEqual(verdicts(readReport(join(dir, 'merged', 'conformance.json'))));
    writeFileSync(shards[1]!, JSON.stringify({ ...recorded, settings: { ...recorded.settings, record: undefined } }));
    const unrecorded = await runCli(['run', '--merge-reports', shards.join(','), '--report-dir', join(dir, 'merged-2'), '--reporters', 'json']);
    expect(unrecorded.code).toBe(2);
    expect(unrecorded.stderr).toMatch(/was not recorded \(no --record\): every shard needs its cassette/);
  });
});

describe('replay: run --target url against mock --replay --replay-mode strict', () => {
  it('passes with every request matched, and the verdicts of the recorded run (the url target has no gateway area)', async () => {
    const run = await replayed;
    expect(run.stderr).toMatch(/passed, 0 failed/);
    expect(run.code).toBe(0);
    const report = readReport(join(dir, 'replayed', 'conformance.json'));
    expect(replay.store.stats.unmatched).toBe(0);
    expect(replay.store.stats.matched).toBe(report.summary.requests);
    expect(verdicts(report)).toEqual(verdicts(recorded, (r) => r.check !== 'gateway.cache'));
  }, 120_000);

  it('answers an unrecorded request with a 404 naming the nearest recorded request and how it differs', async () => {
    await replayed;
    // A recorded request with one member changed, sent with the model id percent-encoded (matching reads both forms).
    const entries = cassette.log.entries;
    const index = entries.findIndex((e) => e.request.url.endsWith('/ai/run/@cf/baai/bge-base-en-v1.5') && e._wai!.auth === 'default' && e.response.status === 200);
    const body = { ...JSON.parse(entries[index]!.request.postData!.text!), text: 'a sentence nobody recorded' };
    const response = await fetch(`${replay.url}/client/v4/accounts/x/ai/run/%40cf%2Fbaai%2Fbge-base-en-v1.5`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(response.status).toBe(404);
    const answer = (await response.json()) as { success: boolean; errors: { message: string }[] };
    expect(answer.success).toBe(false);
    expect(answer.errors[0]!.message).toMatch(
      /^wai-conformance mock --replay \(strict\): no recorded exchange matches POST \/ai\/run\/@cf\/baai\/bge-base-en-v1\.5; nearest recorded: entry #\d+ POST \/ai\/run\/@cf\/baai\/bge-base-en-v1\.5, which differs in the body at \/text: recorded .+, sent "a sentence nobody recorded"$/,
    );
    expect(index).toBeGreaterThanOrEqual(0);
  }, 120_000);
});

describe('oracle: the emulator with a fault against a clean cassette', () => {
  it('fails oracle.parity on exactly the exchanges the fault changes (every stream loses its [DONE])', async () => {
    const run = await oracle;
    expect(run.code).toBe(1);
    const report = readReport(join(dir, 'oracle', 'conformance.json'));
    expect(validateReport(report)).toEqual([]);
    expect(new Set(report.results.map((r) => r.check))).toEqual(new Set(['oracle.parity']));
    // The oracle run's own cassette has a verdict per exchange: compare with the recorded answers' media types.
    const judgedRun = readHar(join(dir, 'oracle.har'));
    const failedUrls = judgedRun.log.entries.filter((e) => e._wai!.verdicts.some((v) => v.check === 'oracle.parity' && v.status === 'failed')).map(requestOf);
    const streamed = cassette.log.entries.filter((e) => e.response.content.mimeType.startsWith('text/event-stream')).map(requestOf);
    expect(streamed.length).toBeGreaterThan(1);
    expect(failedUrls.sort()).toEqual(streamed.sort());
    expect(judgedRun.log.entries.length).toBe(cassette.log.entries.length);
  }, 120_000);
});
