import { describe, expect, it } from 'vitest';
import { exitCodeOf } from '../../../src/cli/commands/run.js';
import { loadContract } from '../../../src/contract/load.js';
import { mergeReports } from '../../../src/harness/merge.js';
import { DEFAULT_OPTIONS, globMatcher, type RunOptions } from '../../../src/harness/options.js';
import { planRun, plannedRequests, selectModels, skippedDeprecated } from '../../../src/harness/plan.js';
import type { ConformanceReport } from '../../../src/harness/report.js';

const contract = loadContract();
const options = (over: Partial<RunOptions> = {}): RunOptions => ({ ...DEFAULT_OPTIONS, seed: 1, ...over });

describe('planRun', () => {
  it('plans every http model that is not deprecated by default, and no websocket-only model', () => {
    const cases = planRun(contract, options(), true);
    const models = new Set(cases.map((c) => c.model?.id).filter(Boolean));
    const http = [...contract.models.values()].filter((m) => m.facts.transport === 'http');
    const deprecated = http.filter((m) => m.lifecycle?.status === 'deprecated');
    expect(deprecated.length).toBeGreaterThan(30);
    expect(models.size).toBe(http.length - deprecated.length);
    expect(models.has('@cf/deepgram/flux')).toBe(false);
    expect(skippedDeprecated(contract, options()).map((m) => m.id)).toEqual(expect.arrayContaining(deprecated.map((m) => m.id)));
    // --include-deprecated plans them all.
    const all = new Set(planRun(contract, options({ includeDeprecated: true }), true).map((c) => c.model?.id).filter(Boolean));
    expect(all.size).toBe(http.length);
  });

  it('plans one valid and one invalid partner-model request under its task: the first listed the run\'s tasks and models select', () => {
    const partnerCases = (over: Partial<RunOptions> = {}) => planRun(contract, options(over), true).filter((c) => c.kind === 'partner' || c.kind === 'partner-refused');
    expect(partnerCases().map((c) => [c.kind, c.modelId, c.area, c.checks.join(), c.requests])).toEqual([
      ['partner', 'inworld/tts-1.5-mini', 'text-to-speech', 'partner.answer', 1],
      ['partner-refused', 'inworld/tts-1.5-mini', 'text-to-speech', 'partner.answer', 1],
    ]);
    expect(partnerCases({ tasks: ['text-generation'] }).map((c) => c.modelId)).toEqual(['openai/gpt-5.4-mini', 'openai/gpt-5.4-mini']);
    expect(partnerCases({ models: ['bytedance/*'] }).map((c) => c.modelId)).toEqual(['bytedance/seedream-4.0', 'bytedance/seedream-4.0']);
    // A Workers AI selection, a task no partner model has, or API-wide areas alone plan none.
    expect(partnerCases({ models: ['@cf/meta/*'] })).toEqual([]);
    expect(partnerCases({ tasks: ['translation'] })).toEqual([]);
    expect(partnerCases({ tasks: ['openai'] })).toEqual([]);
  });

  it('runs a deprecated model named by its exact id, but not one a glob matches', () => {
    const llama = '@cf/meta/llama-3.1-8b-instruct';
    expect(contract.model(llama)?.lifecycle).toEqual({ status: 'deprecated', deprecationDate: '2026-05-30', source: expect.any(String) });
    expect(selectModels(contract, { models: [llama], tasks: [] }).map((m) => m.id)).toEqual([llama]);
    expect(selectModels(contract, { models: ['@cf/meta/llama-3.1-8b-*'], tasks: [] }).map((m) => m.id)).toEqual(['@cf/meta/llama-3.1-8b-instruct-fp8', '@cf/meta/llama-3.1-8b-instruct-fast']);
    expect(skippedDeprecated(contract, { models: ['@cf/meta/llama-3.1-8b-*'], tasks: [] }).map((m) => m.id)).toEqual(['@cf/meta/llama-3.1-8b-instruct-awq', llama]);
  });

  it('plans the batch area for the models with the batch fact (the docs\' supported models)', () => {
    const batch = planRun(contract, options({ tasks: ['batch'] }), false);
    expect(batch.map((c) => c.model?.id).sort()).toEqual(
      ['@cf/baai/bge-base-en-v1.5', '@cf/baai/bge-large-en-v1.5', '@cf/baai/bge-m3', '@cf/baai/bge-small-en-v1.5', '@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/meta/m2m100-1.2b'],
    );
    expect(batch.every((c) => c.kind === 'batch' && c.checks.join() === 'batch.lifecycle')).toBe(true);
  });

  it('selects models by glob and task, and areas by --tasks', () => {
    expect(globMatcher('@cf/meta/*')('@cf/meta/llama-3.2-1b-instruct')).toBe(true);
    expect(globMatcher('@cf/meta/*')('@cf/meta-llama/llama-2-7b-chat-hf-lora')).toBe(false);
    expect(selectModels(contract, { models: ['@cf/baai/*'], tasks: ['text-classification'] }).map((m) => m.id)).toEqual(['@cf/baai/bge-reranker-base']);
    const openaiOnly = planRun(contract, options({ tasks: ['openai'] }), true);
    expect(new Set(openaiOnly.map((c) => c.area))).toEqual(new Set(['openai']));
    const taskOnly = planRun(contract, options({ tasks: ['translation'] }), true);
    expect(new Set(taskOnly.map((c) => c.model?.task ?? c.area))).toEqual(new Set(['translation', 'catalog', 'errors']));
    expect(taskOnly.some((c) => c.area === 'batch' && c.model?.id === '@cf/meta/m2m100-1.2b')).toBe(true);
  });

  it('keeps only the selected checks and counts each execution once', () => {
    const cases = planRun(contract, options({ models: ['@cf/baai/bge-base-en-v1.5'], checks: ['output.schema', 'envelope.shape'] }), false);
    expect(cases.every((c) => c.checks.every((id) => id === 'output.schema' || id === 'envelope.shape'))).toBe(true);
    // envelope and task views share the run-valid execution: 3 requests, plus 3 invalid ones.
    expect(plannedRequests(cases)).toBe(6);
  });

  it('plans the gateway area only when a gateway layout exists', () => {
    expect(planRun(contract, options(), false).some((c) => c.area === 'gateway')).toBe(false);
    expect(planRun(contract, options(), true).some((c) => c.area === 'gateway')).toBe(true);
  });
});

describe('mergeReports', () => {
  const shard = (n: number, over: Partial<ConformanceReport> = {}): ConformanceReport => ({
    tool: { name: 'workers-ai-conformance', version: '0' },
    target: { kind: 'emulator', baseUrl: 'http://x' },
    seed: 5,
    startedAt: `2026-11-23T10:0${n}:00.000Z`,
    durationMs: 1000 * n,
    complete: true,
    settings: { shard: `${n}/2` },
    summary: { checks: 1, passed: 1, failed: 0, skipped: 0, requests: 10 * n },
    results: [{ model: `m${n}`, task: 'translation', endpoint: 'POST /ai/run/{model}', check: 'output.schema', status: 'passed', requests: 3, failures: [] }],
    ...over,
  });

  it('concatenates results and adds requests; the run took as long as the longest shard', () => {
    const merged = mergeReports([shard(1), shard(2)]);
    expect(merged.results.map((r) => r.model)).toEqual(['m1', 'm2']);
    expect(merged.summary).toEqual({ checks: 2, passed: 2, failed: 0, skipped: 0, requests: 30, warnings: 0 });
    expect(merged.durationMs).toBe(2000);
    expect(merged.startedAt).toBe('2026-11-23T10:01:00.000Z');
    expect(merged.complete).toBe(true);
  });

  it('reads older reports (no severity: every failure an error) beside newer ones with warnings', () => {
    const failure = { message: 'x', request: { method: 'POST', url: 'http://x', headers: {}, body: { kind: 'none' as const } }, seed: 5, path: '0', reproduce: 'r' };
    const failed = (n: number, severity?: 'warning'): Partial<ConformanceReport> => ({
      summary: { checks: 1, passed: 0, failed: 1, skipped: 0, requests: 1 },
      results: [{ model: `m${n}`, task: 'translation', endpoint: 'POST /ai/run/{model}', check: 'status.client-error', status: 'failed', requests: 1, failures: [failure], ...(severity ? { severity } : {}) }],
    });
    const withWarning = mergeReports([shard(1), shard(2, failed(2, 'warning'))]);
    expect(withWarning.summary).toMatchObject({ failed: 1, warnings: 1 });
    expect(exitCodeOf(withWarning)).toBe(0);
    expect(exitCodeOf(withWarning, true)).toBe(1);
    const older = mergeReports([shard(1, failed(1)), shard(2, failed(2, 'warning'))]);
    expect(older.summary).toMatchObject({ failed: 2, warnings: 1 });
    expect(exitCodeOf(older)).toBe(1);
  });

  it('is incomplete when a shard is, and refuses reports of different runs', () => {
    expect(mergeReports([shard(1), shard(2, { complete: false, incompleteReason: 'interrupted' })]).incompleteReason).toBe('interrupted');
    expect(() => mergeReports([shard(1), shard(2, { seed: 6 })])).toThrow(/different runs/);
  });
});
