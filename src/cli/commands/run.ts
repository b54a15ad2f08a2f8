/** @module `wai-conformance run`: plan from the contract, run the suites through vitest's Node API, write the reports. */
import { randomInt } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isCheckId } from '../../checks/index.js';
import { packageRoot } from '../../contract/files.js';
import { sharedContract } from '../../contract/load.js';
import type { Contract } from '../../contract/contract.js';
import { TASK_IDS } from '../../contract/types.js';
import { AREAS, DEFAULT_OPTIONS, REPORTERS, type ReporterName, type RunOptions } from '../../harness/options.js';
import { planRun, plannedRequests, skippedDeprecated, type PlannedCase } from '../../harness/plan.js';
import { countsAsFailure, type ConformanceReport } from '../../harness/report.js';
import { coverageShortfalls, parseCoverageThresholds } from '../../harness/coverage-gate.js';
import { requireCredentials } from '../../targets/credentials.js';
import type { TargetKind } from '../../targets/types.js';
import type { CheckId } from '../../checks/types.js';
import { CONFORMANCE_PROJECT } from '../../../suites/_support/project.js';
import { EXIT, UsageError } from '../usage-error.js';
import { inThreadPool } from '../in-thread-pool.js';
import type { Io } from '../output.js';

export const RUN_USAGE = `wai-conformance run [options]
  Run the conformance suites against a target and write reports (default: the embedded emulator).
  --target emulator|live|gateway|url|binding|miniflare   default emulator (started in-process on a free port)
  --base-url URL        url target: the API root (Prism: http://host:port; the emulator: http://host:port/client/v4);
                        miniflare target: the backend of the real env.AI binding (default: the embedded emulator)
  --binding-module PATH[#export]   binding target: a module whose export (default \`default\`) has the binding's
                        run(): an object, a class, or a function returning one (e.g. createAi)
  --account-id ID       default $CLOUDFLARE_ACCOUNT_ID (any value for emulator and url targets)
  --gateway-id ID       gateway target; default $CLOUDFLARE_GATEWAY_ID
                        credentials only from the environment: $CLOUDFLARE_API_TOKEN
                        (or $CLOUDFLARE_EMAIL + $CLOUDFLARE_API_KEY), $CLOUDFLARE_GATEWAY_TOKEN
  --models LIST         comma-separated ids or globs (@cf/meta/*); default all catalogue models but deprecated
                        ones (a deprecated model named by its exact id runs)
  --include-deprecated  run deprecated models too (see \`wai-conformance models\` for each model's status)
  --tasks LIST          task ids and areas (${AREAS.join(', ')})
  --checks LIST         check ids (see the README's check catalogue)
  --runs N              property cases per model and check family (default ${DEFAULT_OPTIONS.runs})
  --seed N              reproduce a run exactly (default: random, printed)
  --max-requests N      hard budget: never send more (retries and shrinking included)
  --concurrency N       requests in flight (default ${DEFAULT_OPTIONS.concurrency})
  --timeout MS          per request, a stream counting as one (default ${DEFAULT_OPTIONS.timeoutMs})
  --path-style raw|encoded   how model ids go into paths (default raw)
  --list                print the planned cases and request count; send nothing
  --report-dir DIR      default ./reports
  --reporters LIST      ${REPORTERS.join(',')} (default all)
  --shard I/N           run the I-th of N shards (vitest sharding), one report per machine
  --merge-reports FILES merge shard reports (conformance.json files, comma-separated) into one run's reports; sends nothing
  --fault NAME          emulator target only: inject a fault (self-testing the suites; see \`mock --help\`)
  --min-coverage N|FACET=N,...   exit 1 when the run covers less of the contract (percent; N alone: the total;
                        facets: input, output, invalid, statuses, checks, total)
  --strict              warnings count too: findings on rules the real API is not known to enforce
                        (documented only; see spec/enforcement.yaml) fail the run as errors do
  --record FILE.har     write every exchange as a HAR 1.2 cassette (redacted; verdicts in \`_wai\`); with
                        --merge-reports: where the shards' cassettes are merged (default beside the reports)
  --oracle FILE.har     send the recorded requests instead of generated ones and compare each answer with the
                        recorded one by structure (check oracle.parity)
Exit: 0 conformant (no error; warnings allowed unless --strict), 1 non-conformance found,
      2 usage or configuration error, 3 run incomplete.`;

const TARGETS: readonly TargetKind[] = ['emulator', 'live', 'gateway', 'url', 'binding', 'miniflare'];

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^-?\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

/** Parses and checks the flags into RunOptions (throws UsageError). */
export function parseRunOptions(argv: string[]): RunOptions {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      target: { type: 'string' },
      'base-url': { type: 'string' },
      'binding-module': { type: 'string' },
      'account-id': { type: 'string' },
      'gateway-id': { type: 'string' },
      models: { type: 'string' },
      tasks: { type: 'string' },
      checks: { type: 'string' },
      runs: { type: 'string' },
      seed: { type: 'string' },
      'max-requests': { type: 'string' },
      concurrency: { type: 'string' },
      timeout: { type: 'string' },
      'path-style': { type: 'string' },
      list: { type: 'boolean' },
      'report-dir': { type: 'string' },
      reporters: { type: 'string' },
      shard: { type: 'string' },
      'merge-reports': { type: 'string' },
      fault: { type: 'string', multiple: true },
      'min-coverage': { type: 'string' },
      strict: { type: 'boolean' },
      record: { type: 'string' },
      oracle: { type: 'string' },
      'include-deprecated': { type: 'boolean' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const target = (values.target ?? DEFAULT_OPTIONS.target) as TargetKind;
  if (!TARGETS.includes(target)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not "${values.target}"`);
  const tasks = list(values.tasks);
  for (const t of tasks) if (!(TASK_IDS as readonly string[]).includes(t) && !(AREAS as readonly string[]).includes(t)) throw new UsageError(`--tasks: unknown task or area "${t}" (tasks: ${TASK_IDS.join(', ')}; areas: ${AREAS.join(', ')})`);
  const checks = list(values.checks);
  for (const c of checks) if (!isCheckId(c)) throw new UsageError(`--checks: unknown check "${c}" (see the README's check catalogue)`);
  const reporters = values.reporters === undefined ? [...REPORTERS] : list(values.reporters);
  for (const r of reporters) if (!(REPORTERS as readonly string[]).includes(r)) throw new UsageError(`--reporters: unknown reporter "${r}" (${REPORTERS.join(', ')})`);
  const pathStyle = values['path-style'] ?? 'raw';
  if (pathStyle !== 'raw' && pathStyle !== 'encoded') throw new UsageError(`--path-style must be raw or encoded, not "${pathStyle}"`);
  if (values.shard !== undefined && !/^\d+\/\d+$/.test(values.shard)) throw new UsageError(`--shard must look like 1/3, not "${values.shard}"`);
  if (values.fault?.length && target !== 'emulator') throw new UsageError('--fault applies only to --target emulator');
  if (target === 'url' && !values['base-url']) throw new UsageError('--target url needs --base-url (the API root)');
  if (target === 'binding' && !values['binding-module']) throw new UsageError('--target binding needs --binding-module PATH[#export] (a module whose export has the binding\'s run())');
  if (values['binding-module'] !== undefined && target !== 'binding') throw new UsageError('--binding-module applies only to --target binding');
  // Cassettes hold HTTP exchanges; a binding-shaped target's calls are not HTTP requests.
  if ((values.record !== undefined || values.oracle !== undefined) && (target === 'binding' || target === 'miniflare')) throw new UsageError(`--record and --oracle apply to HTTP targets (emulator, live, gateway, url), not --target ${target}`);
  const seed = integer('seed', values.seed, -2147483648) ?? randomInt(1, 2 ** 31 - 1);
  const options: RunOptions = {
    ...DEFAULT_OPTIONS,
    target,
    models: list(values.models),
    tasks,
    checks: checks as CheckId[],
    runs: integer('runs', values.runs, 1) ?? DEFAULT_OPTIONS.runs,
    seed: seed | 0,
    concurrency: integer('concurrency', values.concurrency, 1) ?? DEFAULT_OPTIONS.concurrency,
    timeoutMs: integer('timeout', values.timeout, 1) ?? DEFAULT_OPTIONS.timeoutMs,
    pathStyle,
    list: values.list ?? false,
    reportDir: resolve(values['report-dir'] ?? DEFAULT_OPTIONS.reportDir),
    reporters: reporters as ReporterName[],
    faults: values.fault ?? [],
    includeDeprecated: values['include-deprecated'] ?? false,
  };
  const maxRequests = integer('max-requests', values['max-requests'], 0);
  if (maxRequests !== undefined) options.maxRequests = maxRequests;
  if (values['base-url'] !== undefined) options.baseUrl = values['base-url'];
  if (values['binding-module'] !== undefined) options.bindingModule = resolve(values['binding-module']);
  if (values['account-id'] !== undefined) options.accountId = values['account-id'];
  if (values['gateway-id'] !== undefined) options.gatewayId = values['gateway-id'];
  if (values.shard !== undefined) options.shard = values.shard;
  if (values['merge-reports'] !== undefined) options.mergeReports = list(values['merge-reports']).map((f) => resolve(f));
  if (values['min-coverage'] !== undefined) {
    try {
      options.minCoverage = parseCoverageThresholds(values['min-coverage']);
    } catch (cause) {
      throw new UsageError((cause as Error).message);
    }
  }
  if (values.strict) options.strict = true;
  if (values.record !== undefined) {
    if (!values.record.trim()) throw new UsageError('--record needs a file name (FILE.har)');
    options.record = resolve(values.record);
  }
  if (values.oracle !== undefined) {
    if (!existsSync(values.oracle)) throw new UsageError(`--oracle: no such file ${values.oracle}`);
    options.oracle = resolve(values.oracle);
  }
  return options;
}

/** `--merge-reports`: reads shard reports, writes the merged run's reports. */
async function mergeShardReports(options: RunOptions, io: Io): Promise<number> {
  const { readFileSync } = await import('node:fs');
  const { mergeReports } = await import('../../harness/merge.js');
  const { writeReports } = await import('../../../reporters/write-reports.js');
  const reports = (options.mergeReports ?? []).map((file) => {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as ConformanceReport;
    } catch (cause) {
      throw new UsageError(`--merge-reports: cannot read ${file}: ${(cause as Error).message}`);
    }
  });
  let merged: ConformanceReport;
  try {
    merged = mergeReports(reports);
  } catch (cause) {
    throw new UsageError(`--merge-reports: ${(cause as Error).message}`);
  }
  const written = writeReports(merged, options.reportDir, options.reporters);
  const cassette = await mergeShardCassettes(reports, options);
  if (cassette) written.push(cassette);
  const warnings = merged.summary.warnings ?? 0;
  io.err(`merged ${reports.length} reports: ${merged.summary.passed} passed, ${merged.summary.failed - warnings} failed, ${warnings} warnings, ${merged.summary.skipped} skipped\nreports: ${written.join(', ')}\n`);
  return gateCoverage(merged, options, io);
}

/**
 * The shards' cassettes (each report names its own in \`settings.record\`; a cassette moved with its report is
 * looked for beside it) merged into \`--record\`, or into the report directory under the first one's name.
 */
async function mergeShardCassettes(reports: readonly ConformanceReport[], options: RunOptions): Promise<string | undefined> {
  const { basename, dirname } = await import('node:path');
  const recorded = reports.map((report, i) => ({ file: report.settings.record, near: join(dirname(options.mergeReports![i]!), basename(String(report.settings.record ?? ''))) }));
  if (recorded.every((r) => typeof r.file !== 'string')) return undefined;
  const { readHar, mergeCassettes, writeHar, CassetteError } = await import('../../cassettes/cassette-file.js');
  try {
    const cassettes = recorded.map((r, i) => {
      if (typeof r.file !== 'string') throw new CassetteError(`${options.mergeReports![i]} was not recorded (no --record): every shard needs its cassette`);
      return readHar(existsSync(r.near) ? r.near : r.file);
    });
    const out = options.record ?? join(options.reportDir, basename(recorded[0]!.file as string));
    writeHar(out, mergeCassettes(cassettes));
    return out;
  } catch (cause) {
    if (cause instanceof CassetteError) throw new UsageError(`--merge-reports: ${cause.message}`);
    throw cause;
  }
}

/** Reads the oracle cassette before anything starts: a file that is not HAR is a usage error. */
async function readOracle(path: string, contract: Contract): Promise<void> {
  const { CassetteError } = await import('../../cassettes/cassette-file.js');
  const { oracleExecutions } = await import('../../cassettes/oracle.js');
  try {
    const read = oracleExecutions(path, contract);
    if (read.recognised === 0) throw new UsageError(`--oracle: ${path} holds no Workers AI exchange (${read.ignored} other entries)`);
  } catch (cause) {
    if (cause instanceof CassetteError) throw new UsageError(`--oracle: ${cause.message}`);
    throw cause;
  }
}

function printPlan(cases: PlannedCase[], io: Io): void {
  const byArea = new Map<string, PlannedCase[]>();
  for (const c of cases) byArea.set(c.area, [...(byArea.get(c.area) ?? []), c]);
  for (const [area, areaCases] of byArea) {
    io.out(`${area} (${areaCases.length} cases)\n`);
    for (const c of areaCases) io.out(`  ${(c.model?.id ?? c.modelId ?? '-').padEnd(48)} ${c.kind.padEnd(13)} ${c.checks.join(', ')}  ≤${c.requests} requests\n`);
  }
  const models = new Set(cases.map((c) => c.model?.id).filter(Boolean)).size;
  io.out(`\n${cases.length} cases over ${models} models; at most ${plannedRequests(cases)} requests before shrinking and retries\n`);
}

/**
 * The exit code of a finished run with `--min-coverage` applied: each facet below its threshold is
 * named on stderr, and a run that was otherwise conformant exits 1.
 */
export function gateCoverage(report: ConformanceReport, options: Pick<RunOptions, 'minCoverage' | 'strict'>, io: Io): number {
  const code = exitCodeOf(report, options.strict ?? report.settings?.strict === true);
  if (!options.minCoverage) return code;
  const shortfalls = coverageShortfalls(report.coverage, options.minCoverage);
  for (const s of shortfalls) io.err(`wai-conformance run: ${s.message}\n`);
  return shortfalls.length && code === EXIT.ok ? EXIT.nonConformant : code;
}

/**
 * Where vitest finds the suites. Built (the published package, `npm start`), the run uses the compiled
 * suites and lets Node load the compiled modules natively: no config file to bundle and no TypeScript
 * to transform at run time. From source (tsx) it runs the TypeScript suites as `npx vitest` does.
 */
function suiteSettings(root: string): Record<string, unknown> {
  const compiled = join(root, 'dist', 'suites');
  if (!import.meta.url.endsWith('.js') || !existsSync(compiled)) return { config: join(root, 'vitest.config.ts'), project: ['conformance'] };
  return {
    config: false,
    ...CONFORMANCE_PROJECT,
    include: ['dist/suites/**/*.suite.js'],
    exclude: [],
    globalSetup: [join(compiled, '_support', 'global-setup.js')],
    server: { deps: { external: [/\/dist\/src\//] } },
    // The suites in this thread, sharing the CLI's modules (one contract, one heap): see in-thread-pool.ts.
    // WAI_CONFORMANCE_POOL=threads puts them in vitest's worker thread, as `npx vitest` does.
    pool: (process.env.WAI_CONFORMANCE_POOL !== 'threads' && inThreadPool()) || CONFORMANCE_PROJECT.pool,
  };
}

/**
 * The exit code a finished report means (DESIGN.md): errors make it 1; warnings (rules without
 * enforcement evidence) only when `strict` (default: the run's own `--strict`, from its settings).
 */
export function exitCodeOf(report: ConformanceReport, strict: boolean = report.settings?.strict === true): number {
  if (!report.complete) return EXIT.incomplete;
  return report.results.some((r) => countsAsFailure(r, strict)) ? EXIT.nonConformant : EXIT.ok;
}

export async function runCommand(argv: string[], io: Io, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const options = parseRunOptions(argv);
  if (options.mergeReports) return mergeShardReports(options, io);
  const contract = sharedContract();
  const gateway = options.target === 'emulator' || options.target === 'gateway';
  if (options.oracle) await readOracle(options.oracle, contract);
  const cases = planRun(contract, options, gateway);
  const skipped = skippedDeprecated(contract, options).map((m) => m.id);
  if (skipped.length) {
    options.skippedDeprecated = skipped;
    io.err(`wai-conformance run: skipping ${skipped.length} deprecated model${skipped.length === 1 ? '' : 's'} (${skipped.slice(0, 3).join(', ')}${skipped.length > 3 ? ', ...' : ''}); --include-deprecated, or a model's exact id in --models, runs them\n`);
  }
  if (options.list) {
    printPlan(cases, io);
    return EXIT.ok;
  }
  if (cases.length === 0) throw new UsageError('the options select no case (check --models, --tasks and --checks)');
  // Fail before anything starts: a live or gateway run without credentials (or a bad target
  // option) is a usage error and never sends a request. Creating a target sends nothing.
  if (options.target === 'live' || options.target === 'gateway') requireCredentials(env, options.target);
  if (options.target === 'binding') {
    // Loading the module is the check (a missing file or export is a usage error); nothing is called.
    const { loadBindingModule } = await import('../../targets/binding.js');
    const loaded = await loadBindingModule(options.bindingModule!);
    await loaded.close?.();
  } else if (options.target !== 'emulator' && options.target !== 'miniflare') {
    const { createTarget } = await import('../../targets/index.js');
    const probe = await createTarget({
      kind: options.target,
      env,
      pathStyle: options.pathStyle,
      ...(options.baseUrl !== undefined ? { baseUrl: options.baseUrl } : {}),
      ...(options.accountId !== undefined ? { accountId: options.accountId } : {}),
      ...(options.gatewayId !== undefined ? { gatewayId: options.gatewayId } : {}),
    });
    await probe.close();
  }
  io.err(`wai-conformance run: ${cases.length} cases on ${options.target}${options.baseUrl ? ` ${options.baseUrl}` : ''}, seed ${options.seed}\n`);

  const { createVitest } = await import('vitest/node');
  const { ConformanceReporter } = await import('../../../reporters/conformance-reporter.js');
  const { Progress } = await import('../../../reporters/progress.js');
  const progress = new Progress({ write: io.err, live: Boolean(process.stderr.isTTY) && !env.CI, plannedCases: cases.length, ...(options.maxRequests !== undefined ? { maxRequests: options.maxRequests } : {}) });
  let report: ConformanceReport | undefined;
  const root = packageRoot();
  // vitest's processes read the options from the environment (suites/_support/context.ts).
  process.env.WAI_CONFORMANCE_RUN_OPTIONS = JSON.stringify(options);
  const reporter = new ConformanceReporter({
    options,
    contract,
    reportDir: options.reportDir,
    plannedTests: cases.reduce((n, c) => n + c.checks.length, 0),
    progress,
    onReport: (r, written) => {
      report = r;
      progress.finish(r, written);
    },
  });
  const before = { SIGINT: process.listeners('SIGINT'), SIGTERM: process.listeners('SIGTERM') };
  const vitest = await createVitest('test', {
    root,
    ...suiteSettings(root),
    watch: false,
    reporters: [reporter],
    ...(options.shard ? { shard: options.shard } : {}),
  });
  // vitest's logger exits the process on SIGINT/SIGTERM a millisecond later; a conformance run must
  // first write what it finished, so its handlers give way to ours.
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    for (const listener of process.listeners(signal)) if (!before[signal].includes(listener)) process.off(signal, listener);
  }
  // Ctrl-C or SIGTERM: stop scheduling, let the reporter write what finished (marked incomplete).
  const interrupt = () => void vitest.cancelCurrentRun('keyboard-input');
  process.once('SIGINT', interrupt);
  process.once('SIGTERM', interrupt);
  try {
    await vitest.start();
  } finally {
    process.off('SIGINT', interrupt);
    process.off('SIGTERM', interrupt);
    await vitest.close();
  }
  process.exitCode = undefined; // vitest sets it for failed tests; our exit code comes from the report
  if (!report) {
    io.err('wai-conformance run: the run ended without a report\n');
    return EXIT.incomplete;
  }
  return gateCoverage(report, options, io);
}
