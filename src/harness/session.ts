/** @module A run session: contract, targets, plan and harness set up from RunOptions, and the report built from results. */
import { randomBytes } from 'node:crypto';
import { packageInfo } from '../cli/version.js';
import type { Contract } from '../contract/contract.js';
import { sharedContract } from '../contract/load.js';
import { createTarget, PLACEHOLDER_ACCOUNT_ID, type Env, type HttpTarget } from '../targets/index.js';
import { buildCoverage, type CoverageReport } from './coverage.js';
import type { BindingTarget } from '../targets/binding.js';
import { executionKey, Harness } from './harness.js';
import type { RunOptions } from './options.js';
import { planRun, type PlannedCase } from './plan.js';
import { summarise, type ConformanceReport, type ResultRecord } from './report.js';

/** Everything a run needs, set up. Close it to stop the targets (and the in-process emulator). */
export interface Session {
  contract: Contract;
  target: HttpTarget | BindingTarget;
  gatewayTarget?: HttpTarget;
  harness: Harness;
  plan: PlannedCase[];
  startedAt: Date;
  close(): Promise<void>;
}

/** The gateway id the emulator's gateway layout is tested under. */
const EMULATOR_GATEWAY_ID = 'conformance';

/**
 * Sets up a session. Throws ConfigurationError (exit 2) for bad options or missing credentials
 * before any request is sent.
 */
export async function openSession(
  options: RunOptions,
  env: Env = process.env,
  contract: Contract = sharedContract(),
  running?: { url: string; token: string },
  miniflareDriver?: { url: string; baseUrl: string },
): Promise<Session> {
  const transport = {
    ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
    pathStyle: options.pathStyle,
    timeoutMs: options.timeoutMs,
    concurrency: options.concurrency,
    ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {}),
  };
  // The emulator accepts only a token made for this run, so wrong credentials are really wrong.
  const emulatorToken = running?.token ?? `wai-run-${randomBytes(12).toString('hex')}`;
  let target: HttpTarget | BindingTarget;
  if (options.target === 'binding' || options.target === 'miniflare') {
    const { createBindingTarget } = await import('../targets/binding.js');
    target = await createBindingTarget({
      kind: options.target,
      ...(options.bindingModule !== undefined ? { bindingModule: options.bindingModule } : {}),
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      timeoutMs: options.timeoutMs,
      ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {}),
      ...(miniflareDriver ? { driver: miniflareDriver } : {}),
      contract,
    });
  } else if (options.target === 'emulator' && running) {
    // An emulator started for the whole run (vitest's global setup): reach it like any URL, with its token.
    target = await createTarget({ ...transport, kind: 'url', baseUrl: `${running.url}/client/v4`, env: { CLOUDFLARE_API_TOKEN: running.token } });
  } else {
    target = await createTarget({
      ...transport,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      kind: options.target,
      ...(options.gatewayId !== undefined ? { gatewayId: options.gatewayId } : {}),
      env,
      ...(options.target === 'emulator' ? { emulator: { faults: options.faults, token: emulatorToken } } : {}),
    });
  }
  let gatewayTarget: HttpTarget | undefined;
  try {
    if (options.target === 'gateway') gatewayTarget = target as HttpTarget;
    else if (options.target === 'emulator') {
      // The emulator serves both layouts; the gateway area tests its AI Gateway layout on the same server.
      const origin = new URL(target.baseUrl).origin;
      gatewayTarget = await createTarget({
        kind: 'gateway',
        baseUrl: `${origin}/v1`,
        accountId: options.accountId ?? PLACEHOLDER_ACCOUNT_ID,
        gatewayId: EMULATOR_GATEWAY_ID,
        pathStyle: options.pathStyle,
        timeoutMs: options.timeoutMs,
        concurrency: options.concurrency,
        env: { CLOUDFLARE_API_TOKEN: emulatorToken },
        budget: target.budget,
      });
    }
  } catch (error) {
    await target.close();
    throw error;
  }
  const harness = new Harness({ contract, target, options, ...(gatewayTarget ? { gatewayTarget } : {}) });
  const plan = planRun(contract, options, gatewayTarget !== undefined);
  return {
    contract,
    target,
    ...(gatewayTarget ? { gatewayTarget } : {}),
    harness,
    plan,
    startedAt: new Date(),
    async close() {
      if (gatewayTarget && gatewayTarget !== target) await gatewayTarget.close();
      await target.close();
    },
  };
}

/** Settings recorded in the report: what reproduces the run, nothing secret. */
export function reportSettings(options: RunOptions): Record<string, unknown> {
  const { list: _list, reportDir: _dir, reporters: _reporters, ...settings } = options;
  return settings;
}

/** Builds the report of a session from its results. */
export function buildReport(session: Pick<Session, 'target' | 'gatewayTarget' | 'startedAt'>, options: RunOptions, results: ResultRecord[], complete: boolean, incompleteReason?: string, coverage?: CoverageReport): ConformanceReport {
  const requests = session.target.requestsSent + (session.gatewayTarget && session.gatewayTarget !== session.target ? session.gatewayTarget.requestsSent : 0);
  const { name, version } = packageInfo();
  return {
    tool: { name, version },
    target: { kind: options.target, baseUrl: session.target.baseUrl },
    seed: options.seed,
    startedAt: session.startedAt.toISOString(),
    durationMs: Date.now() - session.startedAt.getTime(),
    complete,
    ...(incompleteReason ? { incompleteReason } : {}),
    settings: reportSettings(options),
    summary: summarise(results, requests),
    results,
    ...(coverage ? { coverage } : {}),
  };
}

/** `record`: the session's executions as one cassette, as `run --record` writes it. */
async function recordSession(session: Session, cases: readonly PlannedCase[], report: ConformanceReport, path: string): Promise<void> {
  const { CassetteRecorder, recordCase } = await import('../cassettes/record.js');
  const { writeHar } = await import('../cassettes/cassette-file.js');
  const recorder = new CassetteRecorder();
  for (const planned of cases) {
    recorder.add(executionKey(planned), await recordCase(session, planned), await session.harness.run(planned));
  }
  writeHar(path, recorder.build({ target: report.target, seed: report.seed, settings: report.settings }));
}

/** Runs items through `work` with at most `limit` in flight, keeping input order in the output. */
export async function pool<T, R>(items: readonly T[], limit: number, work: (item: T) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  const workers = Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await work(items[index]!);
    }
  });
  await Promise.all(workers);
  return results;
}

/**
 * Runs every planned case without vitest (the library entry point; the suites run the same
 * cases through vitest). Executions are shared between cases; `concurrency` cases run at once.
 */
export async function runConformance(options: RunOptions, env: Env = process.env, contract?: Contract): Promise<ConformanceReport> {
  const session = await openSession(options, env, contract);
  try {
    // The catalogue execution reuses /ai/run executions, so it goes last.
    const ordered = [...session.plan.filter((c) => c.kind !== 'catalog'), ...session.plan.filter((c) => c.kind === 'catalog')];
    const results = (await pool(ordered, options.concurrency, (c) => session.harness.run(c))).flat();
    const samples = await Promise.all(ordered.map((c) => session.harness.coverageOf(c)));
    const report = buildReport(session, options, results, true, undefined, buildCoverage(session.contract, samples, results));
    if (options.record) await recordSession(session, ordered, report, options.record);
    return report;
  } finally {
    await session.close();
  }
}
