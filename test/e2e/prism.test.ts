/**
 * End to end against Stoplight Prism mocking our own `spec/openapi.yaml`: the harness runs to completion on a
 * server it has never seen, and reports what Prism really does differently from the contract.
 *
 * Prism mocks from the document alone, so it cannot do what the document only describes in prose or in the
 * per-model schemas (spec/models/, spec/tasks/): it answers the first documented example of an operation
 * whatever the model and input. {@link OBSERVED_DEVIATIONS} lists what the harness reports about it, as
 * observed with @stoplight/prism-cli 5.14.2 (static examples, no `--dynamic`); the test pins that list exactly,
 * so a change in Prism or in the harness shows up here.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CheckId } from '../../src/checks/index.js';
import { loadContract } from '../../src/contract/load.js';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/harness/options.js';
import type { ConformanceReport } from '../../src/harness/report.js';
import { runConformance } from '../../src/harness/session.js';
import { prismUnavailable, startPrism, type RunningPrism } from '../helpers/prism.js';

const SEED = 42;
const TEXT = '@cf/meta/llama-3.1-8b-instruct-fp8'; // text generation: JSON envelope, streams, /ai/v1 chat
const EMBEDDINGS = '@cf/baai/bge-small-en-v1.5'; // text embeddings: JSON envelope, /ai/v1 embeddings
const IMAGE = '@cf/bytedance/stable-diffusion-xl-lightning'; // text-to-image: raw PNG bytes
const MODELS = [TEXT, EMBEDDINGS, IMAGE];
/** Prism checks that a credential is present, never what it is. */
const ENV = { CLOUDFLARE_API_TOKEN: 'anything' };

/** One deviation: the harness reports `check` failing for `model` on `endpoint` with a message matching `says`. */
interface Deviation {
  model: string | null;
  endpoint: string;
  check: CheckId;
  says: RegExp;
  why: string;
}

const RUN = 'POST /ai/run/{model}';
const INVALID = 'POST /ai/run/{model} (invalid input)';
const CREDENTIALS = 'POST /ai/run/{model} (credentials)';
const V1 = 'POST /ai/v1/*';

/**
 * What the harness reports about Prism with model ids percent-encoded (`--path-style encoded`), every failed
 * result of the run. Prism's answers are its static examples, so:
 */
export const OBSERVED_DEVIATIONS: Deviation[] = [
  // Placeholder values: every /ai/run answer is the first RunSuccess example, a text-generation answer.
  { model: TEXT, endpoint: RUN, check: 'output.semantics', says: /usage\.completion_tokens is 28, expected at most/, why: 'the example\'s usage ignores the request\'s max_tokens' },
  { model: EMBEDDINGS, endpoint: RUN, check: 'output.schema', says: /expected property "data"/, why: 'an embeddings model answers the text-generation example' },
  // A batch request gets the same example too (output.semantics: expected {request_id}), but the property now stops at
  // the first covering request's output.schema failure, before the batch covering request is sent.
  { model: IMAGE, endpoint: RUN, check: 'content-type', says: /Content-Type is application\/json, expected image\/png/, why: 'a binary model answers the JSON example' },
  // The asynchronous Batch API: a queued batch gets the text-generation example, which has no request_id.
  { model: EMBEDDINGS, endpoint: 'POST /ai/run/{model}?queueRequest=true', check: 'batch.lifecycle', says: /result\.request_id is undefined/, why: 'a queued batch answers the text-generation example' },
  // No validation of model inputs: the request body's schema cannot depend on the {model} path parameter.
  { model: TEXT, endpoint: INVALID, check: 'status.client-error', says: /got 200: the invalid input was accepted/, why: 'invalid input answered 200' },
  { model: EMBEDDINGS, endpoint: INVALID, check: 'status.client-error', says: /got 200: the invalid input was accepted/, why: 'invalid input answered 200' },
  { model: IMAGE, endpoint: INVALID, check: 'status.client-error', says: /got 200: the invalid input was accepted/, why: 'invalid input answered 200' },
  // Any token: Prism refuses a request without credentials (401, the documented example) but serves a wrong one.
  { model: TEXT, endpoint: CREDENTIALS, check: 'auth.required', says: /with a wrong credential: answered 200/, why: 'any bearer token is accepted' },
  { model: EMBEDDINGS, endpoint: CREDENTIALS, check: 'auth.required', says: /with a wrong credential: answered 200/, why: 'any bearer token is accepted' },
  { model: IMAGE, endpoint: CREDENTIALS, check: 'auth.required', says: /with a wrong credential: answered 200/, why: 'any bearer token is accepted' },
  // No streaming: "stream": true is answered with the JSON example.
  { model: TEXT, endpoint: 'POST /ai/run/{model} (stream)', check: 'stream.framing', says: /answered Content-Type application\/json, expected text\/event-stream/, why: 'no SSE on /ai/run' },
  { model: TEXT, endpoint: V1, check: 'stream.framing', says: /\/ai\/v1\/chat\/completions with "stream": true answered Content-Type application\/json/, why: 'no SSE on /ai/v1' },
  // The /ai/v1 examples disagree with the request and with the /ai/run example.
  { model: TEXT, endpoint: V1, check: 'openai.parity', says: /\/ai\/run counted 16 prompt tokens, \/ai\/v1\/chat\/completions counted 28/, why: 'two unrelated examples' },
  { model: EMBEDDINGS, endpoint: V1, check: 'openai.embeddings', says: /expected a base64 string|expected 2 \(one per input\)|expected 384/, why: 'one 3-number float example whatever the input and encoding_format' },
  // /ai/v1/messages answers its 200 example whatever the model: a Workers AI model and an unknown id are served.
  { model: null, endpoint: 'POST /ai/v1/messages (refused model)', check: 'status.client-error', says: /\/ai\/v1\/messages: expected a 4xx answer to invalid input, got 200/, why: 'no model rules: the 200 example for any model' },
  // models/schema answers the same example (distilbert's schemas) for every model.
  { model: null, endpoint: 'GET /ai/models/search, /ai/models/schema', check: 'catalog.consistency', says: /models\/schema's (input|output) schema rejects/, why: 'one published schema for every model' },
];

/** Checks that pass against Prism on every model that has them: its examples are well-formed where they fit. */
const PASSING_ON_PRISM: CheckId[] = ['status.success', 'envelope.consistency', 'openai.chat'];

const key = (model: string | null, endpoint: string, check: string) => `${model ?? '-'} | ${endpoint} | ${check}`;

const unavailable = prismUnavailable();

describe.skipIf(unavailable !== undefined)(`Prism mocking spec/openapi.yaml${unavailable ? ` (skipped: ${unavailable})` : ''}`, () => {
  let prism: RunningPrism;
  const contract = loadContract();
  const options = (extra: Partial<RunOptions>): RunOptions => ({ ...DEFAULT_OPTIONS, target: 'url', baseUrl: prism.url, models: MODELS, seed: SEED, ...extra });

  beforeAll(async () => {
    prism = await startPrism();
  }, 40_000);
  afterAll(async () => {
    await prism?.stop();
  });

  describe('model ids percent-encoded (Prism routes {model} as one path segment)', () => {
    let report: ConformanceReport;
    beforeAll(async () => {
      report = await runConformance(options({ pathStyle: 'encoded' }), ENV, contract);
    }, 30_000);

    it('the run completes against a server the harness has never seen', () => {
      expect(report.complete).toBe(true);
      expect(report.target).toEqual({ kind: 'url', baseUrl: prism.url });
      expect(report.summary.requests).toBeGreaterThan(0);
      expect(report.summary.passed).toBeGreaterThan(0);
    });

    it('the harness reports exactly Prism\'s observed deviations', () => {
      const failed = report.results.filter((r) => r.status === 'failed');
      const messages = failed.map((r) => `${key(r.model, r.endpoint, r.check)}: ${r.failures[0]?.message}`).join('\n');
      expect(failed.map((r) => key(r.model, r.endpoint, r.check)).sort(), messages).toEqual(OBSERVED_DEVIATIONS.map((d) => key(d.model, d.endpoint, d.check)).sort());
      for (const deviation of OBSERVED_DEVIATIONS) {
        const result = failed.find((r) => r.model === deviation.model && r.endpoint === deviation.endpoint && r.check === deviation.check)!;
        expect(result.failures.some((f) => deviation.says.test(f.message)), `${key(deviation.model, deviation.endpoint, deviation.check)} (${deviation.why}): ${result.failures.map((f) => f.message).join(' | ')}`).toBe(true);
      }
    });

    it('the harness reports auth.required failing only for the wrong credential: a missing one is refused 401', () => {
      const auth = report.results.filter((r) => r.check === 'auth.required');
      expect(auth).toHaveLength(MODELS.length);
      for (const result of auth) {
        expect(result.failures.length).toBeGreaterThan(0);
        for (const failure of result.failures) expect(failure.message).toMatch(/wrong credential/);
      }
    });

    it('the harness reports no failure where Prism\'s examples fit: 200 to valid requests, consistent envelopes, a well-formed chat.completion', () => {
      const results = report.results.filter((r) => PASSING_ON_PRISM.includes(r.check));
      expect(results.length).toBeGreaterThan(0);
      expect(results.filter((r) => r.status === 'failed').map((r) => key(r.model, r.endpoint, r.check))).toEqual([]);
      expect(new Set(results.filter((r) => r.status === 'passed').map((r) => r.check))).toEqual(new Set(PASSING_ON_PRISM));
    });
  });

  describe('model ids raw (the default path style)', () => {
    it('the harness reports every /ai/run request unrouted: Prism cannot match an id spanning several path segments', { timeout: 30_000 }, async () => {
      const report = await runConformance(options({ models: [TEXT], runs: 1, tasks: ['text-generation'] }), ENV, contract);
      expect(report.complete).toBe(true);
      const failing = (check: CheckId, endpoint = RUN) => report.results.find((r) => r.check === check && r.endpoint === endpoint && r.status === 'failed');
      expect(failing('status.success')?.failures[0]?.message).toMatch(/expected a 2xx answer to a valid request, got 404/);
      // Prism's 404 is an RFC 9457 problem, not the v4 error envelope.
      expect(failing('content-type')?.failures[0]?.message).toMatch(/Content-Type is application\/problem\+json, expected application\/json/);
      expect(failing('envelope.shape')?.failures[0]?.message).toMatch(/expected property "success"/);
      expect(failing('auth.required', CREDENTIALS)?.failures[0]?.message).toMatch(/answered 404, expected 401 or 403/);
    });
  });
});
