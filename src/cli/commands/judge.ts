/** @module `wai-conformance judge FILE.har ...`: re-judge recorded traffic offline with today's contract; sends nothing. */
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { isCheckId } from '../../checks/index.js';
import type { CheckId } from '../../checks/types.js';
import { loadContract } from '../../contract/load.js';
import { REPORTERS, DEFAULT_OPTIONS, type ReporterName } from '../../harness/options.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';
import { exitCodeOf } from './run.js';

export const JUDGE_USAGE = `wai-conformance judge FILE.har ... [--report-dir DIR] [--reporters LIST] [--checks LIST] [--spec DIR]
  Judge recorded Workers AI traffic again, offline, with today's contract and checks; sends nothing.
  Takes cassettes from \`run --record\` (judged execution by execution, as the run judged them) and any HAR 1.2
  file (browser devtools, mitmproxy, Insomnia): requests to api.cloudflare.com/client/v4/accounts/*/ai/* and
  gateway.ai.cloudflare.com/v1/* are judged, everything else is ignored and counted.
  --report-dir DIR      default ./reports
  --reporters LIST      ${REPORTERS.join(',')} (default all)
  --checks LIST         only these checks
  --spec DIR            the contract (default: the package's spec/)
Exit: 0 conformant, 1 non-conformance found, 2 usage error (unreadable or non-HAR file), 3 nothing to judge.`;

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export async function judgeCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      'report-dir': { type: 'string' },
      reporters: { type: 'string' },
      checks: { type: 'string' },
      spec: { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new UsageError('judge needs at least one HAR file');
  const reporters = values.reporters === undefined ? [...REPORTERS] : list(values.reporters);
  for (const r of reporters) if (!(REPORTERS as readonly string[]).includes(r)) throw new UsageError(`--reporters: unknown reporter "${r}" (${REPORTERS.join(', ')})`);
  const checks = list(values.checks);
  for (const c of checks) if (!isCheckId(c)) throw new UsageError(`--checks: unknown check "${c}" (see the README's check catalogue)`);

  const { readHar, CassetteError } = await import('../../cassettes/cassette-file.js');
  const { judgeHars } = await import('../../cassettes/judge.js');
  const { writeReports } = await import('../../../reporters/write-reports.js');
  const files = positionals.map((name) => {
    try {
      return { name, har: readHar(name) };
    } catch (cause) {
      if (cause instanceof CassetteError) throw new UsageError(cause.message);
      throw cause;
    }
  });
  const { report, counts } = judgeHars({ files, contract: loadContract(values.spec), checks: checks as CheckId[] });
  io.err(`wai-conformance judge: ${counts.recognised} Workers AI exchanges in ${counts.executions} executions judged, ${counts.ignored} other entries ignored\n`);
  if (counts.recognised === 0) {
    io.err('wai-conformance judge: nothing to judge (no request to api.cloudflare.com/client/v4/accounts/*/ai/* or gateway.ai.cloudflare.com/v1/*)\n');
    return EXIT.incomplete;
  }
  const written = writeReports(report, resolve(values['report-dir'] ?? DEFAULT_OPTIONS.reportDir), reporters as ReporterName[]);
  const { summary } = report;
  io.err(`${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped\nreports: ${written.join(', ')}\n`);
  return exitCodeOf(report);
}
