/**
 * @module Self-test of the binding-shaped targets: a mock with planted defects fails exactly the matching checks,
 * createAi() and the real binding in Miniflare pass, and HTTP-only checks are reported skipped, never passed.
 */
import { fileURLToPath } from 'node:url';
import { describe, expect, test } from 'vitest';
import { HTTP_ONLY_CHECKS } from '../../src/checks/index.js';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/harness/options.js';
import type { ConformanceReport } from '../../src/harness/report.js';
import { runConformance } from '../../src/harness/session.js';
import { validateReport } from '../../reporters/report-schema.js';
import { runCli } from '../helpers/cli.js';

const MODULE = fileURLToPath(new URL('../fixtures/binding/defective-ai.js', import.meta.url));
const LLAMA = '@cf/meta/llama-3.1-8b-instruct';
const BGE = '@cf/baai/bge-small-en-v1.5';

function options(target: 'binding' | 'miniflare', bindingModule?: string): RunOptions {
  return { ...DEFAULT_OPTIONS, target, ...(bindingModule ? { bindingModule } : {}), models: [LLAMA, BGE], runs: 2, seed: 20261205, concurrency: 4, reportDir: '/nonexistent' };
}

/** `check@model` of every result with this status. */
function cells(report: ConformanceReport, status: 'passed' | 'failed' | 'skipped'): string[] {
  return [...new Set(report.results.filter((r) => r.status === status).map((r) => `${r.check}@${r.model ?? '-'}`))].sort();
}

function expectHttpOnlySkipped(report: ConformanceReport): void {
  const httpOnly = report.results.filter((r) => HTTP_ONLY_CHECKS.has(r.check as never));
  expect(httpOnly.length).toBeGreaterThan(0);
  expect(httpOnly.filter((r) => r.status !== 'skipped')).toEqual([]);
}

describe('--target binding', () => {
  test('planted defects fail exactly their checks: output.schema, stream.framing, status.client-error', async () => {
    const report = await runConformance(options('binding', `${MODULE}#DefectiveAi`));
    expect(cells(report, 'failed')).toEqual([`output.schema@${BGE}`, `status.client-error@${BGE}`, `status.client-error@${LLAMA}`, `stream.framing@${LLAMA}`]);
    expect(cells(report, 'passed')).toEqual(expect.arrayContaining([`status.success@${LLAMA}`, `output.schema@${LLAMA}`, `output.semantics@${BGE}`]));
    expectHttpOnlySkipped(report);
    const accepted = report.results.find((r) => r.check === 'status.client-error' && r.model === LLAMA)!.failures[0]!;
    expect(accepted.message).toMatch(/env\.AI\.run\("@cf\/meta\/llama-3\.1-8b-instruct"\): expected invalid input to throw InferenceUpstreamError .* the invalid input was accepted/);
    expect(validateReport(report)).toEqual([]);
  });

  test('createAi() passes every check that applies', async () => {
    const report = await runConformance(options('binding', `${MODULE}#faithful`));
    expect(cells(report, 'failed')).toEqual([]);
    expect(cells(report, 'passed')).toEqual(expect.arrayContaining([`stream.framing@${LLAMA}`, `status.client-error@${BGE}`, `output.schema@${BGE}`]));
    expectHttpOnlySkipped(report);
  });

  test('an unknown model must throw InferenceUpstreamError 5007; auth is HTTP-only and skipped', async () => {
    const report = await runConformance({ ...options('binding', `${MODULE}#DefectiveAi`), models: [], tasks: ['errors'] });
    expect(cells(report, 'passed')).toEqual(['model.unknown@-']);
    expect(report.results.filter((r) => r.check === 'auth.required').every((r) => r.status === 'skipped')).toBe(true);
  });

  test('the CLI refuses a missing module or export before running anything', async () => {
    expect(await runCli(['run', '--target', 'binding'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/--target binding needs --binding-module/) });
    const missing = await runCli(['run', '--target', 'binding', '--binding-module', `${MODULE}#nothing`, '--models', BGE]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/has no export "nothing" \(it exports DefectiveAi, faithful\)/);
  });
});

test('--target miniflare: the real binding class in workerd against the emulator passes', async () => {
  const report = await runConformance(options('miniflare'));
  expect(report.target.kind).toBe('miniflare');
  expect(cells(report, 'failed')).toEqual([]);
  expect(cells(report, 'passed')).toEqual(expect.arrayContaining([`stream.framing@${LLAMA}`, `status.client-error@${LLAMA}`, `output.schema@${BGE}`]));
  expectHttpOnlySkipped(report);
}, 120_000);
