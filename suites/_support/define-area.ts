/** @module Declares one suite area: a vitest test per planned case of the area, results attached for the reporters. */
import { describe, expect, test } from 'vitest';
import { EXECUTION_CHECKS, type PlannedCase, type SuiteArea } from '../../src/harness/plan.js';
import type { RunOptions } from '../../src/harness/options.js';
import { countsAsFailure, type ResultRecord } from '../../src/harness/report.js';
import { planRun } from '../../src/harness/plan.js';
import { sharedContract } from '../../src/contract/load.js';
import { runOptions } from './context.js';
import { sharedSession } from './session.js';
import { recordCase } from '../../src/cassettes/record.js';
import { executionKey } from '../../src/harness/harness.js';

/** One failure, as a test failure message: where, what, and how to replay it. */
function describeFailure(result: ResultRecord): string {
  const first = result.failures[0];
  const more = result.failures.length > 1 ? ` (+${result.failures.length - 1} more)` : '';
  return `${result.check}: ${first?.message ?? 'failed'}${more}${first ? `\n    replay: ${first.reproduce} (fast-check path ${first.path || '-'})` : ''}`;
}

let plan: { key: string; cases: PlannedCase[] } | undefined;

/** The run's plan, made once per worker for every suite file (they share one module graph). */
function runPlan(options: RunOptions, gateway: boolean): PlannedCase[] {
  const key = `${JSON.stringify(options)}\0${gateway}`;
  if (plan?.key !== key) plan = { key, cases: planRun(sharedContract(), options, gateway) };
  return plan.cases;
}

/**
 * Declares the tests of `area`. The plan is made at collection time from the contract and the
 * options (cheap, no request); requests are sent when a test runs, each execution once per run.
 */
export function defineArea(area: SuiteArea): void {
  const options = runOptions();
  // Collection needs only the plan; whether the gateway layout exists is known from the target kind.
  const gateway = options.target === 'emulator' || options.target === 'gateway';
  const cases = runPlan(options, gateway).filter((c) => c.area === area);
  describe.concurrent(area, () => {
    if (cases.length === 0) {
      test.skip(`no ${area} case selected by this run's options`, () => {});
      return;
    }
    for (const planned of cases) {
      const name = planned.model ? `${planned.model.id} ${planned.kind}` : planned.kind;
      test(name, async ({ task }) => {
        const session = await sharedSession();
        const results = await session.harness.run(planned);
        const execution = executionKey(planned);
        task.meta.wai = {
          results,
          execution,
          requests: await session.harness.requestsOf(planned),
          baseUrl: session.target.baseUrl,
          budgetExhausted: session.target.budget.remaining === 0,
          coverage: await session.harness.coverageOf(planned),
        };
        if (options.record) {
          const recorded = await recordCase(session, planned);
          if (recorded) task.meta.wai.recorded = recorded;
        }
        // Warnings (rules without enforcement evidence) fail a case only under --strict; the report keeps them either way.
        const failed = results.filter((r) => countsAsFailure(r, options.strict ?? false));
        expect(failed.map(describeFailure), `checks ${EXECUTION_CHECKS[planned.kind].join(', ')}`).toEqual([]);
      });
    }
  });
}
