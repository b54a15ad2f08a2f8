/**
 * @module `run --record`: each execution's judged exchanges become HAR entries where they were sent (the
 * vitest worker), travel to the reporter with the test's results, and are written as one cassette per run
 * (per shard).
 */
import { packageInfo } from '../cli/version.js';
import type { CheckId } from '../checks/types.js';
import { EXPECTATION_OF } from '../harness/judging.js';
import type { ExecutionKind, PlannedCase } from '../harness/plan.js';
import type { Session } from '../harness/session.js';
import type { JudgedExchange } from '../harness/property.js';
import type { ResultRecord } from '../harness/report.js';
import { Redactor } from '../targets/redact.js';
import type { Har, HarEntry, WaiExecution } from './har-types.js';
import { toEntry } from './to-entry.js';

/** One execution as the worker hands it to the reporter. */
export interface RecordedExecution {
  id: string;
  execution: Omit<WaiExecution, 'results'>;
  entries: HarEntry[];
}

/** What an execution was, besides its exchanges. */
export interface ExecutionInfo {
  id: string;
  kind: ExecutionKind;
  model?: string;
  seed: number;
  checks: CheckId[];
}

/**
 * The HAR entries of an execution. Exchanges borrowed from another execution are not written twice:
 * `borrows` names the executions they came from.
 */
export function recordExecution(info: ExecutionInfo, judged: readonly JudgedExchange[], redactor: Redactor): RecordedExecution {
  const own = judged.filter((j) => !j.borrowed);
  const borrowedModels = [...new Set(judged.filter((j) => j.borrowed).map((j) => (j.exchange.spec.operation.kind === 'run' ? j.exchange.spec.operation.model : '')))];
  const entries = own.map((j, index) =>
    toEntry(
      j.exchange,
      { execution: info.id, index, expectation: EXPECTATION_OF[info.kind], ...(j.path !== undefined ? { path: j.path } : {}), ...(j.invalid ? { invalid: j.invalid } : {}), outcomes: j.outcomes, ...(j.exchange.startedAt ? { startedAt: j.exchange.startedAt } : {}) },
      redactor,
    ),
  );
  return {
    id: info.id,
    execution: {
      kind: info.kind,
      ...(info.model !== undefined ? { model: info.model } : {}),
      seed: info.seed,
      checks: info.checks,
      ...(borrowedModels.length ? { borrows: borrowedModels.map((model) => `run-valid:${model}`) } : {}),
    },
    entries,
  };
}

/**
 * The recorded execution of a planned case the first time its execution is asked for (later cases of the
 * same execution get undefined). The gateway area's exchanges went through the gateway target, whose
 * credentials are the ones to redact.
 */
export async function recordCase(session: Pick<Session, 'harness' | 'target' | 'gatewayTarget'>, planned: PlannedCase): Promise<RecordedExecution | undefined> {
  const taken = await session.harness.takeJudged(planned);
  if (!taken) return undefined;
  const sender = planned.kind === 'gateway' ? (session.gatewayTarget ?? session.target) : session.target;
  // A binding-shaped target holds no credential to redact.
  const redactor = 'redactor' in sender ? sender.redactor : new Redactor();
  return recordExecution({ id: taken.id, kind: planned.kind, ...(planned.model ? { model: planned.model.id } : {}), seed: taken.seed, checks: taken.checks }, taken.judged, redactor);
}

/** The run's identity, as the cassette's log records it. */
export interface CassetteRun {
  target: { kind: string; baseUrl: string };
  seed: number;
  settings: Record<string, unknown>;
}

/** Collects recorded executions (each once) and the results reported from them, and builds the cassette. */
export class CassetteRecorder {
  private readonly executions = new Map<string, RecordedExecution>();
  private readonly results = new Map<string, WaiExecution['results']>();

  /** Adds what one test reported: its execution (the first test of an execution carries it) and its results. */
  add(executionId: string, recorded: RecordedExecution | undefined, results: readonly ResultRecord[]): void {
    if (recorded && !this.executions.has(recorded.id)) this.executions.set(recorded.id, recorded);
    const kept = this.results.get(executionId) ?? [];
    for (const { failures: _failures, latency: _latency, ...result } of results) kept.push(result);
    this.results.set(executionId, kept);
  }

  /** The cassette: entries in the order they were sent, executions with their reported results. */
  build(run: CassetteRun): Har {
    const { name, version } = packageInfo();
    const executions: Record<string, WaiExecution> = {};
    const entries: HarEntry[] = [];
    for (const [id, recorded] of this.executions) {
      executions[id] = { ...recorded.execution, results: this.results.get(id) ?? [] };
      entries.push(...recorded.entries);
    }
    entries.sort((a, b) => a.startedDateTime.localeCompare(b.startedDateTime));
    return {
      log: {
        version: '1.2',
        creator: { name, version },
        entries,
        comment: 'Recorded by wai-conformance run --record; `_wai` members are documented in the README ("Record, replay and re-judge").',
        _wai: { cassette: 1, target: run.target, seed: run.seed, settings: run.settings, executions },
      },
    };
  }
}
