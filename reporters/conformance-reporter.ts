/** @module The vitest reporter of `wai-conformance run`: collects each test's results, shows progress, writes the reports. */
import type { Reporter, TestCase, TestModule, TestRunEndReason } from 'vitest/node';
import type { RunOptions } from '../src/harness/options.js';
import { reportSettings } from '../src/harness/session.js';
import { summarise, type ConformanceReport, type ResultRecord } from '../src/harness/report.js';
import type { Contract } from '../src/contract/contract.js';
import { loadContract } from '../src/contract/load.js';
import { buildCoverage } from '../src/harness/coverage.js';
import type { CoverageSample } from '../src/harness/coverage-recorder.js';
import { packageInfo } from '../src/cli/version.js';
import { writeReports } from './write-reports.js';
import { Progress } from './progress.js';
import { CassetteRecorder } from '../src/cassettes/record.js';
import { writeHar } from '../src/cassettes/cassette-file.js';
import '../suites/_support/context.js';

/** What the reporter needs from the command that runs it. */
export interface ConformanceReporterOptions {
  options: RunOptions;
  /** Absolute directory to write reports into. */
  reportDir: string;
  /** Number of planned tests, for progress. */
  plannedTests: number;
  progress: Progress;
  /** The contract coverage is counted against (default: the project's). */
  contract?: Contract;
  /** Called with the final report (the command derives its exit code from it). */
  onReport: (report: ConformanceReport, written: string[]) => void;
}

/** Collects `meta.wai` from every test case into one ConformanceReport. */
export class ConformanceReporter implements Reporter {
  private readonly results: ResultRecord[] = [];
  private readonly requests = new Map<string, number>();
  /** Coverage of each execution, sampled once however many cases view it. */
  private readonly coverage = new Map<string, CoverageSample>();
  private readonly startedAt = new Date();
  private baseUrl = '';
  private budgetExhausted = false;
  /** `--record`: the run's cassette, filled as tests report. */
  private readonly cassette = new CassetteRecorder();

  constructor(private readonly settings: ConformanceReporterOptions) {}

  onTestCaseResult(testCase: TestCase): void {
    const meta = testCase.meta().wai;
    const errors = testCase.result().errors ?? [];
    if (!meta) {
      // A test that crashed before it could report (e.g. the target could not be reached).
      if (errors.length) this.settings.progress.error(`${testCase.fullName}: ${errors[0]?.message ?? 'failed'}`);
      return;
    }
    this.results.push(...meta.results);
    if (this.settings.options.record) this.cassette.add(meta.execution, meta.recorded, meta.results);
    this.requests.set(meta.execution, meta.requests);
    if (meta.coverage) this.coverage.set(meta.execution, meta.coverage);
    this.baseUrl = meta.baseUrl;
    this.budgetExhausted ||= meta.budgetExhausted;
    this.settings.progress.caseDone(meta.results, [...this.requests.values()].reduce((a, b) => a + b, 0));
  }

  onTestRunEnd(_modules: ReadonlyArray<TestModule>, unhandled: ReadonlyArray<{ message?: string }>, reason: TestRunEndReason): void {
    const { options } = this.settings;
    const requests = [...this.requests.values()].reduce((a, b) => a + b, 0);
    const answered = this.results.some((r) => r.latency !== undefined);
    // A target that stops answering mid-run (connection refused or reset) leaves a partial run.
    const networkErrors = this.results.reduce((n, r) => n + r.failures.filter((f) => f.error?.kind === 'network').length, 0);
    const incompleteReason =
      reason === 'interrupted'
        ? 'interrupted before every case ran'
        : unhandled.length
          ? `errors outside the checks: ${unhandled.map((e) => e.message).join('; ')}`
          : this.results.length && !answered
            ? 'the target never answered (unreachable?)'
            : networkErrors > 0
              ? `the target stopped answering (${networkErrors} network error${networkErrors === 1 ? '' : 's'}); results cover what it answered`
              : this.budgetExhausted
              ? `the request budget (--max-requests ${options.maxRequests}) ran out before every case ran`
              : this.results.length < this.settings.plannedTests
                ? `${this.settings.plannedTests - this.results.length} planned results missing`
                : undefined;
    const { name, version } = packageInfo();
    const report: ConformanceReport = {
      tool: { name, version },
      target: { kind: options.target, baseUrl: this.baseUrl || options.baseUrl || '' },
      seed: options.seed,
      startedAt: this.startedAt.toISOString(),
      durationMs: Date.now() - this.startedAt.getTime(),
      complete: incompleteReason === undefined,
      ...(incompleteReason ? { incompleteReason } : {}),
      settings: reportSettings(options),
      summary: summarise(this.results, requests),
      results: this.results,
      coverage: buildCoverage(this.settings.contract ?? loadContract(), [...this.coverage.values()], this.results),
    };
    const written = writeReports(report, this.settings.reportDir, options.reporters);
    if (options.record) {
      writeHar(options.record, this.cassette.build({ target: report.target, seed: report.seed, settings: report.settings }));
      written.push(options.record);
    }
    this.settings.onReport(report, written);
  }
}
