/** @module Reports for reporter tests: real ones from the emulator (a small selection), and a synthetic one with every hard case. */
import { DEFAULT_OPTIONS } from '../../../src/harness/options.js';
import type { ConformanceReport, ResultRecord } from '../../../src/harness/report.js';
import { summarise } from '../../../src/harness/report.js';
import { runConformance } from '../../../src/harness/session.js';
import { encodePng } from '../../../src/media/png.js';
import { encodeWav } from '../../../src/media/wav.js';

/** A text-generation, an embeddings, a classification, a text-to-speech (binary) and an image-classification model. */
export const REPORT_MODELS = [
  '@cf/meta/llama-3.1-8b-instruct-fp8',
  '@cf/baai/bge-base-en-v1.5',
  '@cf/huggingface/distilbert-sst-2-int8',
  '@cf/deepgram/aura-1',
  '@cf/microsoft/resnet-50',
];

/** Faults that break the classification scores and the stream's [DONE], so the faulty report has failures. */
export const REPORT_FAULTS = ['score-out-of-range', 'missing-done'];

const cache = new Map<string, Promise<ConformanceReport>>();

/** A real report: `runConformance` on the in-process emulator (cached per test file). */
export function realReport(faults: readonly string[] = []): Promise<ConformanceReport> {
  const key = faults.join(',');
  let report = cache.get(key);
  if (!report) {
    report = runConformance({ ...DEFAULT_OPTIONS, seed: 42, runs: 2, models: REPORT_MODELS, faults: [...faults] }, {});
    cache.set(key, report);
  }
  return report;
}

/** Text no view may pass through unescaped: markup, a script end tag, CDATA end, control characters, a lone surrogate. */
export const HOSTILE = '<script>alert("x")</script></script><!-- ]]> & \u0000\u001b\ud800 `|`';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64');
}

/** A 2×2 PNG and 0.01 s of WAV, as a text-to-image / text-to-speech JSON answer would carry them. */
export const MEDIA = {
  png: base64(encodePng(new Uint8Array([255, 0, 0, 0, 255, 0, 0, 0, 255, 255, 255, 255]), 2, 2)),
  wav: base64(encodeWav(new Int16Array(80), 8000)),
};

const request = (model: string, body: string) => ({
  method: 'POST',
  url: `http://127.0.0.1:9/client/v4/accounts/x/ai/run/${model}`,
  headers: { 'content-type': 'application/json', authorization: '[REDACTED]' },
  body: { kind: 'text' as const, text: body, truncated: false, size: Buffer.byteLength(body) },
});

const timing = { firstByteMs: 12.5, totalMs: 40.25 };

/**
 * A report with every hard case: hostile text in messages and bodies, a binary body, a transport
 * error, a base64 image and audio in a JSON body, a skipped result, an API-wide (null model) row.
 */
export function syntheticReport(overrides: Partial<ConformanceReport> = {}): ConformanceReport {
  const hostileModel = '@cf/test/<b>bold</b>';
  const mediaBody = JSON.stringify({ result: { image: MEDIA.png, audio: MEDIA.wav }, success: true, errors: [], messages: [] });
  const results: ResultRecord[] = [
    {
      model: hostileModel,
      task: 'text-generation',
      endpoint: 'POST /ai/run/{model}',
      check: 'output.schema',
      status: 'failed',
      requests: 2,
      latency: { firstByteMs: [10, 20], totalMs: [30, 900] },
      failures: [
        {
          message: `result.response is ${HOSTILE}, expected a string`,
          instancePath: '/result/response',
          expected: 'string',
          actual: HOSTILE,
          request: request(hostileModel, JSON.stringify({ prompt: HOSTILE })),
          response: {
            status: 200,
            headers: { 'content-type': 'application/json', 'x-evil': HOSTILE },
            body: { kind: 'text', text: `{"result":{"response":${JSON.stringify(HOSTILE)}}}${HOSTILE}`, truncated: true, size: 99_999 },
            timing,
          },
          seed: -12345,
          path: '0:1',
          reproduce: `wai-conformance run --target emulator --models '${hostileModel}' --checks output.schema --seed 7`,
        },
        {
          message: 'no answer within 30000 ms',
          request: request(hostileModel, '{"prompt":"hi"}'),
          error: { kind: 'timeout', message: 'no answer within 30000 ms' },
          seed: -12345,
          path: '2',
          reproduce: `wai-conformance run --target emulator --models '${hostileModel}' --checks output.schema --seed 7`,
        },
      ],
    },
    { model: hostileModel, task: 'text-generation', endpoint: 'POST /ai/run/{model}', check: 'status.success', status: 'passed', requests: 2, failures: [], latency: { firstByteMs: [10, 20], totalMs: [30, 900] } },
    { model: hostileModel, task: 'text-generation', endpoint: 'POST /ai/run/{model} (stream)', check: 'status.success', status: 'passed', requests: 1, failures: [], latency: { firstByteMs: [5], totalMs: [50] } },
    { model: hostileModel, task: 'text-generation', endpoint: 'POST /ai/v1/*', check: 'openai.embeddings', status: 'skipped', requests: 0, failures: [] },
    {
      model: '@cf/test/speech',
      task: 'text-to-speech',
      endpoint: 'POST /ai/run/{model}',
      check: 'content-type',
      status: 'failed',
      requests: 1,
      latency: { firstByteMs: [100], totalMs: [2500] },
      failures: [
        {
          message: 'Content-Type is audio/mpeg, expected audio/ogg',
          expected: 'audio/ogg',
          actual: 'audio/mpeg',
          request: request('@cf/test/speech', '{"text":"hello"}'),
          response: {
            status: 200,
            headers: { 'content-type': 'audio/mpeg' },
            body: { kind: 'binary', size: 2400, sha256: 'a'.repeat(64), contentType: 'audio/mpeg' },
            timing,
          },
          seed: 99,
          path: '0',
          reproduce: 'wai-conformance run --target emulator --models @cf/test/speech --checks content-type --seed 7',
        },
      ],
    },
    {
      model: '@cf/test/painter',
      task: 'text-to-image',
      endpoint: 'POST /ai/run/{model}',
      check: 'output.semantics',
      status: 'failed',
      requests: 1,
      latency: { firstByteMs: [300], totalMs: [310] },
      failures: [
        {
          message: 'image is 2×2, expected 512×512',
          instancePath: '/result/image',
          request: request('@cf/test/painter', '{"prompt":"a cat","width":512,"height":512}'),
          response: { status: 200, headers: { 'content-type': 'application/json' }, body: { kind: 'text', text: mediaBody, truncated: false, size: mediaBody.length }, timing },
          seed: 5,
          path: '0',
          reproduce: 'wai-conformance run --target emulator --models @cf/test/painter --checks output.semantics --seed 7',
        },
      ],
    },
    { model: null, task: 'catalog', endpoint: 'GET /ai/models/search', check: 'catalog.consistency', status: 'passed', requests: 3, failures: [] },
  ];
  return {
    tool: { name: 'workers-ai-conformance', version: '0.1.0' },
    target: { kind: 'url', baseUrl: 'http://127.0.0.1:9/client/v4' },
    seed: 7,
    startedAt: '2026-01-02T03:04:05.678Z',
    durationMs: 1234,
    complete: true,
    settings: { target: 'url', models: [hostileModel], tasks: [], checks: [], runs: 3, concurrency: 8, timeoutMs: 30000, pathStyle: 'raw', faults: [], seed: 7 },
    summary: summarise(results, 9),
    results,
    ...overrides,
  };
}

/**
 * The synthetic report with one failed result (the painter's output.semantics) turned into a warning, the
 * other failures errors; `strict` as a `run --strict` report says it.
 */
export function warningReport(strict = false): ConformanceReport {
  const base = syntheticReport();
  const results = base.results.map((r): ResultRecord => {
    if (r.status !== 'failed') return r;
    if (r.model !== '@cf/test/painter') return { ...r, severity: 'error' };
    return { ...r, severity: 'warning', failures: r.failures.map((f) => ({ ...f, severity: 'warning' as const })) };
  });
  return { ...base, settings: { ...base.settings, ...(strict ? { strict: true } : {}) }, summary: summarise(results, base.summary.requests), results };
}
