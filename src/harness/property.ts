/** @module Property runs: fast-check draws requests, the target answers, the checks judge; failures shrink to a minimal request. */
import fc from 'fast-check';
import type { CheckOutcome } from '../checks/index.js';
import type { CheckContext, CheckId, Expectation } from '../checks/types.js';
import { judgeOne } from './judging.js';
import { fastDrawing } from '../generate/fast-draw.js';
import type { ModelEntry } from '../contract/types.js';
import type { Exchange, RequestSpec } from '../targets/types.js';
import type { Contract } from '../contract/contract.js';
import type { Target } from '../targets/types.js';
import type { InvalidRequest } from '../generate/requests.js';
import type { FailureRecord, ResultRecord } from './report.js';

/** One request of a property run, judged. */
export interface JudgedExchange {
  exchange: Exchange;
  input: unknown;
  outcomes: CheckOutcome[];
  /** fast-check path of this case, when known (initial runs and the final counterexample). */
  path?: string;
  /** Sent by another execution and reused here (not counted again). */
  borrowed?: boolean;
  /** Invalid inputs: the JSON Schema keyword the input breaks (for coverage). */
  rule?: string;
  /** For a deliberately invalid input: the rule it breaks, as the checks were told (cassettes keep it for `judge`). */
  invalid?: CheckContext['invalid'];
}

/** What a property run needs. */
export interface PropertyRun<T extends { spec: RequestSpec; input: unknown }> {
  contract: Contract;
  target: Target;
  model?: ModelEntry;
  arbitrary: fc.Arbitrary<T>;
  checks: readonly CheckId[];
  expectation: Expectation;
  seed: number;
  runs: number;
  /** Drops a drawn case before sending (e.g. an "invalid" input the contract accepts after all). */
  accept?: (value: T) => boolean;
  /** Cases sent first, before `runs` drawn ones (fast-check's examples): the covering requests. */
  examples?: readonly T[];
}

/** The judged exchanges of a property run, and fast-check's verdict. */
export interface PropertyOutcome {
  judged: JudgedExchange[];
  /** Path of the final (shrunk) counterexample, when the property failed. */
  counterexamplePath?: string;
  /** True when the budget ran out during the run. */
  budgetExhausted: boolean;
}

/**
 * Runs a property: every drawn request is sent and judged by `checks`; the property fails when a
 * check fails, and fast-check then shrinks the request (each shrink step is a real request, within
 * the budget). A request refused by the budget counts as passing, which ends shrinking at once.
 */
export async function runProperty<T extends { spec: RequestSpec; input: unknown }>(run: PropertyRun<T>): Promise<PropertyOutcome> {
  const judged: JudgedExchange[] = [];
  let budgetExhausted = false;
  let failedOnce = false;
  let initialRuns = 0;
  // Drawn without shrink trees (the same values): a tree is built again only to shrink a failure.
  const property = fc.asyncProperty(fastDrawing(run.arbitrary), async (value) => {
    if (run.accept && !run.accept(value)) {
      fc.pre(false);
    }
    const exchange = await run.target.send(value.spec);
    if (exchange.error?.kind === 'budget') {
      budgetExhausted = true;
      return true;
    }
    const entry: JudgedExchange = judgeOne(run.contract, run.checks, exchange, run.expectation, run.model, value.input, invalidOf(value));
    // Only errors fail the property: a warning is recorded (and replays from its run's path) but must
    // not end the search before an established failure is found, nor be shrunk at a live target's expense.
    const failed = entry.outcomes.some((o) => o.status === 'failed' && o.severity !== 'warning');
    if ('rule' in value && typeof value.rule === 'string') entry.rule = value.rule;
    // Until the first failure fast-check is in its initial runs, where run k has path "k".
    if (!failedOnce) entry.path = String(initialRuns++);
    if (failed) failedOnce = true;
    judged.push(entry);
    return !failed;
  });
  const examples = run.examples ?? [];
  const details = await fc.check(property, { seed: run.seed, numRuns: examples.length + run.runs, maxSkipsPerRun: 100, examples: examples.map((e) => [e] as [T]) });
  const outcome: PropertyOutcome = { judged, budgetExhausted };
  if (details.failed && details.counterexamplePath) {
    outcome.counterexamplePath = details.counterexamplePath;
    // The last failing call is the shrunk counterexample fast-check reports.
    const last = [...judged].reverse().find((j) => j.outcomes.some((o) => o.status === 'failed' && o.severity !== 'warning'));
    if (last) last.path = details.counterexamplePath;
  }
  return outcome;
}

/** The broken rule of a generated invalid request, for the checks' context. */
function invalidOf(value: { spec: RequestSpec; input: unknown }): Partial<Pick<CheckContext, 'invalid'>> {
  const v = value as Partial<Pick<InvalidRequest, 'rule' | 'pointer' | 'enforcement'>>;
  return v.rule !== undefined && v.pointer !== undefined && v.enforcement ? { invalid: { rule: v.rule, pointer: v.pointer, enforcement: v.enforcement } } : {};
}

/** Everything the results of an execution are labelled with. */
export interface ResultLabels {
  model: string | null;
  task: string;
  endpoint: string;
  seed: number;
  /** Builds the reproduce command for a failure of `check`. */
  reproduce: (check: CheckId, path: string | undefined) => string;
}

/** How many failures of one check a report keeps: the first and the shrunk one say enough. */
const MAX_FAILURES_PER_CHECK = 3;

/** Turns judged exchanges into one result per check: passed, failed (with replayable failures) or skipped. */
export function toResults(judged: readonly JudgedExchange[], checks: readonly CheckId[], labels: ResultLabels): ResultRecord[] {
  return checks.map((check) => {
    const relevant = judged.filter((j) => j.outcomes.some((o) => o.check === check && o.status !== 'skipped'));
    const failing = relevant.filter((j) => j.outcomes.some((o) => o.check === check && o.status === 'failed'));
    // Prefer the shrunk counterexample and the first failure: both replay from (seed, path).
    const byPath = [...failing.filter((j) => j.path !== undefined).reverse(), ...failing.filter((j) => j.path === undefined)];
    // Errors before warnings: the kept failures must show why a result is an error.
    const isWarning = (j: JudgedExchange): boolean => j.outcomes.find((o) => o.check === check)?.severity === 'warning';
    const ordered = [...byPath.filter((j) => !isWarning(j)), ...byPath.filter(isWarning)];
    const failures: FailureRecord[] = [];
    for (const j of ordered.slice(0, MAX_FAILURES_PER_CHECK)) {
      const outcome = j.outcomes.find((o) => o.check === check)!;
      const path = j.path ?? '';
      for (const finding of outcome.findings) {
        const { check: _check, ...rest } = finding;
        const { bytes: _bytes, ...response } = j.exchange.response ?? ({} as NonNullable<Exchange['response']>);
        failures.push({
          ...rest,
          request: j.exchange.request,
          ...(j.exchange.response ? { response } : {}),
          ...(j.exchange.error ? { error: j.exchange.error } : {}),
          seed: labels.seed,
          path,
          reproduce: labels.reproduce(check, j.path),
        });
      }
    }
    const result: ResultRecord = {
      model: labels.model,
      task: labels.task,
      endpoint: labels.endpoint,
      check,
      status: failing.length ? 'failed' : relevant.length ? 'passed' : 'skipped',
      requests: relevant.length,
      failures,
    };
    if (failing.length) result.severity = failing.some((j) => j.outcomes.some((o) => o.check === check && o.status === 'failed' && o.severity !== 'warning')) ? 'error' : 'warning';
    const timed = relevant.map((j) => j.exchange.response?.timing).filter((t) => t !== undefined);
    if (timed.length) result.latency = { firstByteMs: timed.map((t) => Math.round(t.firstByteMs * 10) / 10), totalMs: timed.map((t) => Math.round(t.totalMs * 10) / 10) };
    return result;
  });
}
