/**
 * Self-test: proof that the suites see what they must.
 *
 * 1. Against the emulator every check passes, and every check of the catalogue really runs (passes at
 *    least once) over all catalogue models.
 * 2. Against the emulator with each of its faults, the matching checks fail, only for the models the fault
 *    affects; the transport faults the harness must survive (rate limits, latency) cause no failure.
 *
 * {@link FAULT_EXPECTATIONS} is part of the interface: it says which check catches which fault. Every fault
 * of the emulator's table must be in it, so a new fault cannot go untested.
 */
import { describe, expect, it } from 'vitest';
import { CHECK_IDS, type CheckId, type Severity } from '../../src/checks/index.js';
import { loadContract } from '../../src/contract/load.js';
import { FAULTS, faultAppliesTo, faultByName } from '../../src/emulator/faults.js';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/harness/options.js';
import { plannedRequests, planRun } from '../../src/harness/plan.js';
import type { ConformanceReport, ResultRecord } from '../../src/harness/report.js';
import { runConformance } from '../../src/harness/session.js';

const SEED = 42;
const contract = loadContract();

// Models the fault runs use: small answers, and between them every kind of answer a fault can break.
const TEXT = '@cf/meta/llama-3.1-8b-instruct-fp8'; // text-generation, streams, /ai/v1 chat
const TEXT_2 = '@cf/qwen/qwen1.5-0.5b-chat'; // text-generation, streams, /ai/v1 chat
const STREAMING_VISION = '@cf/moondream/moondream3.1-9B-A2B'; // image-to-text that streams, no /ai/v1
const EMBEDDINGS = '@cf/baai/bge-small-en-v1.5'; // text-embeddings with /ai/v1 embeddings
const EMBEDDINGS_M3 = '@cf/baai/bge-m3'; // text-embeddings, several answer forms
const CLASSIFIER = '@cf/huggingface/distilbert-sst-2-int8'; // text-classification
const IMAGE_CLASSIFIER = '@cf/microsoft/resnet-50'; // image-classification
const DETECTOR = '@cf/facebook/detr-resnet-50'; // object-detection (the only one)
const WHISPER_TINY = '@cf/openai/whisper-tiny-en'; // automatic-speech-recognition
const WHISPER = '@cf/openai/whisper'; // automatic-speech-recognition
const FLUX = '@cf/black-forest-labs/flux-1-schnell'; // text-to-image, base64 JPEG in the envelope
const SDXL_LIGHTNING = '@cf/bytedance/stable-diffusion-xl-lightning'; // text-to-image, raw PNG (no envelope)

/** What one fault must do to a run. */
interface FaultExpectation {
  /** The models of the run: some the fault affects, and where possible one it does not (`faultAppliesTo`). */
  models: string[];
  /** Fails for every affected model. */
  fails: CheckId[];
  /** May fail too for some affected models (it depends on the endpoints a model has, e.g. /ai/v1). */
  mayFail?: CheckId[];
  /** API-wide checks (model null) that may fail: catalog.consistency re-judges /ai/run answers. */
  apiWide?: CheckId[];
  /** Transport faults the harness must survive: no check fails. */
  survived?: true;
  /** Fault spec (`NAME=VALUE`) when not just the name. */
  spec?: string;
  /** Run options beyond the defaults of the fault runs. */
  options?: Partial<RunOptions>;
  /** The severity every failure of the run must have (by default any: errors and warnings both count as caught). */
  severity?: Severity;
}

/** fault → the checks that catch it. */
export const FAULT_EXPECTATIONS: Record<string, FaultExpectation> = {
  // Transport faults.
  latency: { models: [TEXT], fails: [], survived: true, spec: 'latency=50' },
  // Concurrency 1: each logical request gets one 429, waits Retry-After (1 s) and succeeds on its retry.
  'rate-limit': { models: [CLASSIFIER], fails: [], survived: true, options: { concurrency: 1 } },
  // bge-small serves the Batch API: its queued batch gets the 500 too.
  // The /ai/v1/messages refusals (API-wide) get the 500 too.
  'server-error': { models: [TEXT, EMBEDDINGS], fails: ['status.success', 'status.client-error'], mayFail: ['batch.lifecycle'], apiWide: ['status.client-error'] },
  'malformed-json': { models: [TEXT, EMBEDDINGS, SDXL_LIGHTNING], fails: ['envelope.shape'], mayFail: ['openai.chat', 'openai.embeddings'] },
  'wrong-content-type': { models: [TEXT, EMBEDDINGS, SDXL_LIGHTNING], fails: ['content-type'] },
  // Streams.
  'stream-cut': { models: [TEXT, STREAMING_VISION, EMBEDDINGS], fails: ['stream.framing'], mayFail: ['openai.chat-stream'] },
  'missing-done': { models: [TEXT, STREAMING_VISION, EMBEDDINGS], fails: ['stream.framing'] },
  // Envelope, credentials, validation.
  'envelope-shape': { models: [TEXT, EMBEDDINGS, SDXL_LIGHTNING], fails: ['envelope.shape'] },
  // The contract's success envelope has `errors: maxItems 0`, so the shape check sees it too.
  'envelope-inconsistent': { models: [TEXT, EMBEDDINGS, SDXL_LIGHTNING], fails: ['envelope.consistency', 'envelope.shape'] },
  'no-auth': { models: [TEXT, EMBEDDINGS], fails: ['auth.required'] },
  'accept-invalid-input': { models: [TEXT, EMBEDDINGS], fails: ['status.client-error'] },
  // Only rules without enforcement evidence go unchecked: the failures are warnings (exit 0 unless --strict).
  'accept-unenforced-input': { models: [TEXT, EMBEDDINGS], fails: ['status.client-error'], severity: 'warning', options: { runs: 8 } },
  // Model outputs.
  'max-tokens-ignored': { models: [TEXT, TEXT_2, EMBEDDINGS], fails: ['output.semantics', 'stream.framing'] },
  'usage-mismatch': { models: [TEXT, TEXT_2, EMBEDDINGS], fails: ['output.semantics', 'stream.framing'] },
  // resnet-50's output schema bounds scores to [0, 1]; distilbert's and detr's do not, semantics does.
  'score-out-of-range': { models: [CLASSIFIER, IMAGE_CLASSIFIER, DETECTOR, TEXT], fails: ['output.semantics'], mayFail: ['output.schema'], apiWide: ['catalog.consistency'] },
  'embedding-shape-mismatch': { models: [EMBEDDINGS, EMBEDDINGS_M3, TEXT], fails: ['output.semantics'] },
  'asr-words-unordered': { models: [WHISPER_TINY, WHISPER, TEXT], fails: ['output.semantics'] },
  'boxes-unordered': { models: [DETECTOR, TEXT], fails: ['output.semantics'] },
  'wrong-image-size': { models: [FLUX, SDXL_LIGHTNING, TEXT], fails: ['output.semantics'] },
  // Gateway layout.
  'cache-always-miss': { models: [TEXT, EMBEDDINGS], fails: ['gateway.cache'] },
};

/** Checks that cannot pass against the emulator (none: every check has something to judge there). */
// oracle.parity judges only `run --oracle` (test/e2e/cassettes.test.ts runs it against the emulator).
const NEVER_PASS_ON_EMULATOR: CheckId[] = ['oracle.parity'];

/** model → failed check ids (and the first message of each, for the assertion messages). */
function failuresByModel(report: ConformanceReport): Map<string | null, Map<CheckId, string>> {
  const out = new Map<string | null, Map<CheckId, string>>();
  for (const result of report.results.filter((r: ResultRecord) => r.status === 'failed')) {
    const checks = out.get(result.model) ?? new Map<CheckId, string>();
    out.set(result.model, checks);
    if (!checks.has(result.check)) checks.set(result.check, result.failures[0]?.message ?? '(no message)');
  }
  return out;
}

function describeFailures(failures: Map<CheckId, string> | undefined): string {
  return [...(failures ?? new Map<CheckId, string>())].map(([check, message]) => `${check}: ${message.slice(0, 300)}`).join('\n') || '(none)';
}

describe('self-test: the emulator without faults', () => {
  it('passes every check over every catalogue model, and every check runs', { timeout: 90_000 }, async () => {
    // Deprecated models too: the emulator serves the whole catalogue (and openai.completions' only model is one).
    const report = await runConformance({ ...DEFAULT_OPTIONS, includeDeprecated: true, seed: SEED }, process.env, contract);
    expect(report.complete).toBe(true);
    const failed = report.results.filter((r) => r.status === 'failed');
    expect(failed.map((r) => `${r.model} ${r.check}: ${r.failures[0]?.message}`)).toEqual([]);
    expect(report.summary.failed).toBe(0);

    const passed = new Set(report.results.filter((r) => r.status === 'passed').map((r) => r.check));
    const neverPassed = CHECK_IDS.filter((id) => !passed.has(id));
    expect(neverPassed).toEqual(NEVER_PASS_ON_EMULATOR);
    // Every model of the catalogue (those reachable over HTTP) was judged by at least one check.
    const judged = new Set(report.results.filter((r) => r.status === 'passed').map((r) => r.model));
    const http = [...contract.models.values()].filter((m) => m.facts.transport === 'http').map((m) => m.id);
    expect(http.filter((id) => !judged.has(id))).toEqual([]);
  });
});

describe('self-test: the fault table', () => {
  it('covers every fault of the emulator, with models the fault affects and, where any exists, one it does not', () => {
    expect(Object.keys(FAULT_EXPECTATIONS).sort()).toEqual(FAULTS.map((f) => f.name).sort());
    for (const [name, expectation] of Object.entries(FAULT_EXPECTATIONS)) {
      const fault = faultByName(name)!;
      const models = expectation.models.map((id) => {
        const model = contract.model(id);
        expect(model, `${name}: unknown model ${id}`).toBeDefined();
        return model!;
      });
      expect(models.some((m) => faultAppliesTo(fault, m)), `${name} affects none of its models`).toBe(true);
      const anyUnaffected = [...contract.models.values()].some((m) => m.facts.transport === 'http' && !faultAppliesTo(fault, m));
      if (anyUnaffected && !expectation.survived) expect(models.some((m) => !faultAppliesTo(fault, m)), `${name} has no unaffected model in its run`).toBe(true);
    }
  });
});

describe.concurrent('self-test: each emulator fault is caught by its checks, only for the models it affects', () => {
  for (const [name, expectation] of Object.entries(FAULT_EXPECTATIONS)) {
    it(name, { timeout: 60_000 }, async () => {
      const fault = faultByName(name)!;
      const options: RunOptions = { ...DEFAULT_OPTIONS, seed: SEED, runs: 2, models: expectation.models, faults: [expectation.spec ?? name], ...expectation.options };
      const report = await runConformance(options, process.env, contract);
      expect(report.complete).toBe(true);
      const failures = failuresByModel(report);

      if (expectation.survived) {
        expect([...failures].map(([model, checks]) => `${model}: ${describeFailures(checks)}`)).toEqual([]);
        if (name === 'rate-limit') {
          // Survived thanks to retries: more requests went out than the plan needs.
          expect(report.summary.requests).toBeGreaterThan(plannedRequests(planRun(contract, options, true)));
        }
        if (name === 'latency') {
          const totals = report.results.flatMap((r) => r.latency?.totalMs ?? []);
          expect(totals.length).toBeGreaterThan(0);
          expect(Math.min(...totals)).toBeGreaterThanOrEqual(45);
        }
        return;
      }

      const allowed = new Set<CheckId>([...expectation.fails, ...(expectation.mayFail ?? [])]);
      for (const id of expectation.models) {
        const model = contract.model(id)!;
        const failed = failures.get(id);
        if (faultAppliesTo(fault, model)) {
          const failedIds = [...(failed?.keys() ?? [])];
          expect(failedIds, `${name} on ${id} (affected): expected ${expectation.fails.join(', ')} to fail; failures:\n${describeFailures(failed)}`).toEqual(expect.arrayContaining(expectation.fails));
          expect(failedIds.filter((c) => !allowed.has(c)), `${name} on ${id} (affected): unexpected failures:\n${describeFailures(failed)}`).toEqual([]);
        } else {
          expect(failed, `${name} on ${id} (unaffected): no check may fail; failures:\n${describeFailures(failed)}`).toBeUndefined();
        }
      }
      if (expectation.severity) {
        const other = report.results.filter((r) => r.status === 'failed' && (r.severity ?? 'error') !== expectation.severity);
        expect(other.map((r) => `${r.model} ${r.check} (${r.severity ?? 'error'}): ${r.failures[0]?.message}`), `${name}: every failure must be a ${expectation.severity}`).toEqual([]);
      }
      const apiWide = [...(failures.get(null)?.keys() ?? [])];
      expect(apiWide.filter((c) => !(expectation.apiWide ?? []).includes(c)), `${name}: API-wide failures:\n${describeFailures(failures.get(null))}`).toEqual([]);
    });
  }
});
