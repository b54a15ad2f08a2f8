/**
 * @module `wai-conformance judge`: recorded traffic judged again, offline, by today's contract and checks.
 * Each recorded execution goes through the harness's own judging (src/harness/judging.ts) and result
 * building (toResults), so a cassette judged under the contract it was recorded with gives the run's verdicts.
 */
import type { CheckId } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import { judgeExecution } from '../harness/judging.js';
import { toResults } from '../harness/property.js';
import { summarise, type ConformanceReport, type ResultRecord } from '../harness/report.js';
import { packageInfo } from '../cli/version.js';
import { isCassette } from './cassette-file.js';
import { groupModel, readExecutions, type RecordedGroup } from './executions.js';
import type { Har } from './har-types.js';
import { hostOf } from './locate.js';

/** What to judge. */
export interface JudgeInput {
  /** The files' names (for messages and reproduce commands) and their HAR documents. */
  files: { name: string; har: Har }[];
  contract: Contract;
  /** Only these checks (empty: every check the executions ran). */
  checks?: readonly CheckId[];
}

/** Counts of what was read. */
export interface JudgeCounts {
  recognised: number;
  ignored: number;
  executions: number;
}

/** The results of one recorded execution, judged again. */
function judgeGroup(group: RecordedGroup, byId: ReadonlyMap<string, RecordedGroup>, contract: Contract, file: string, only: readonly CheckId[]): { results: ResultRecord[]; requests: number } {
  const keep = (checks: readonly CheckId[]) => (only.length ? checks.filter((c) => only.includes(c)) : [...checks]);
  const checks = keep(group.checks);
  const borrowed = group.borrows.flatMap((id) => byId.get(id)?.items.map((item) => ({ ...item, borrowed: true })) ?? []);
  const judged = judgeExecution(contract, group.kind, group.model, checks, [...group.items, ...borrowed]);
  const model = groupModel(group);
  const results = group.views.flatMap((view) =>
    toResults(judged, keep(view.checks), {
      model,
      task: view.task,
      endpoint: view.endpoint,
      seed: group.seed,
      reproduce: (check) => `wai-conformance judge ${file} --checks ${check}`,
    }),
  );
  return { results, requests: group.items.reduce((n, item) => n + item.exchange.attempts, 0) };
}

/** Judges HAR files into one report, as `run` would have reported the same traffic. */
export function judgeHars(input: JudgeInput): { report: ConformanceReport; counts: JudgeCounts } {
  const startedAt = new Date();
  const results: ResultRecord[] = [];
  const counts: JudgeCounts = { recognised: 0, ignored: 0, executions: 0 };
  let requests = 0;
  for (const { name, har } of input.files) {
    const read = readExecutions(har, input.contract);
    counts.recognised += read.recognised;
    counts.ignored += read.ignored;
    counts.executions += read.groups.length;
    const byId = new Map(read.groups.map((g) => [g.id, g]));
    for (const group of read.groups) {
      const judged = judgeGroup(group, byId, input.contract, name, input.checks ?? []);
      results.push(...judged.results);
      requests += judged.requests;
    }
  }
  const first = input.files[0]?.har;
  const recorded = first && isCassette(first) ? first.log._wai : undefined;
  const firstUrl = first?.log.entries[0]?.request.url;
  const { name, version } = packageInfo();
  const report: ConformanceReport = {
    tool: { name, version },
    // A cassette keeps the target it recorded; other HARs are traffic of whatever served it.
    target: recorded
      ? { kind: recorded.target.kind as ConformanceReport['target']['kind'], baseUrl: recorded.target.baseUrl }
      : { kind: hostOf(firstUrl ?? '') === 'gateway.ai.cloudflare.com' ? 'gateway' : 'live', baseUrl: firstUrl ? new URL(firstUrl).origin : '' },
    seed: recorded?.seed ?? 0,
    startedAt: startedAt.toISOString(),
    durationMs: Date.now() - startedAt.getTime(),
    complete: true,
    settings: { judged: input.files.map((f) => f.name), recognisedEntries: counts.recognised, ignoredEntries: counts.ignored, ...(input.checks?.length ? { checks: input.checks } : {}) },
    summary: summarise(results, requests),
    results,
  };
  return { report, counts };
}
