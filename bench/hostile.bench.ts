/**
 * @module The long hostile-client battery: 100,000 seeded requests (malformed bodies, mutations of valid
 * inputs for every model, transport abuse, auth variants, amplification; test/helpers/hostile-battery.ts)
 * against `wai-conformance mock --token T` in a child process, with a probe request sent throughout.
 * Prints the figures: requests, 5xx, hangs, the probe's p50/p99/max latency, the server's RSS
 * before/peak/after (from /proc), and the first violations. Exits 1 on any 5xx, hang or violation.
 *
 *   npx tsx bench/hostile.bench.ts [--requests 100000] [--seed 20261205] [--concurrency 8]
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { loadContract } from '../src/contract/load.js';
import { runBattery } from '../test/helpers/hostile-battery.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-canary-4b8e2f';

const { values } = parseArgs({
  options: { requests: { type: 'string', default: '100000' }, seed: { type: 'string', default: '20261205' }, concurrency: { type: 'string', default: '8' } },
});
const requests = Number(values.requests);
const seed = Number(values.seed);
const concurrency = Number(values.concurrency);
for (const [name, n] of [['--requests', requests], ['--seed', seed], ['--concurrency', concurrency]] as const) {
  if (!Number.isInteger(n) || n < 1) throw new Error(`${name} must be a positive integer`);
}

/** Resident set size of a process, from /proc (Linux); 0 where /proc is missing. */
function rssOf(pid: number): number {
  try {
    const kb = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb ? Number(kb) * 1024 : 0;
  } catch {
    return 0;
  }
}

const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'mock', '--port', '0', '--token', TOKEN], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
const kill = (): void => {
  try {
    if (child.pid) process.kill(-child.pid, 'SIGKILL');
  } catch {
    // already gone
  }
};
process.on('exit', kill);
process.on('SIGINT', () => process.exit(130));
let stderr = '';
child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));

const url = await new Promise<string>((resolve, reject) => {
  let out = '';
  const timer = setTimeout(() => reject(new Error(`the emulator did not start:\n${out}${stderr}`)), 60_000);
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const match = /listening on (http:\/\/\S+)/.exec(out);
    if (match) {
      clearTimeout(timer);
      resolve(match[1]!);
    }
  });
  child.on('exit', (code) => reject(new Error(`the emulator exited (${code}):\n${out}${stderr}`)));
});

console.log(`hostile battery: ${requests} requests, seed ${seed}, concurrency ${concurrency}, against ${url} (pid ${child.pid})`);
const contract = loadContract();
let done = 0;
const report = await runBattery({
  url,
  token: TOKEN,
  contract,
  seed,
  requests,
  concurrency,
  everyModel: true,
  rss: () => rssOf(child.pid!),
  onOutcome: () => {
    if (++done % 10_000 === 0) console.log(`  ${done} requests, server RSS ${(rssOf(child.pid!) / 1024 / 1024).toFixed(0)} MB`);
  },
});
const mb = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
const ms = (n: number): string => `${n.toFixed(1)} ms`;
console.log(`
| figure | value |
|---|---|
| requests | ${report.requests} (${Object.entries(report.byKind).map(([k, n]) => `${k} ${n}`).join(', ')}) |
| duration | ${(report.durationMs / 1000).toFixed(1)} s |
| 5xx | ${report.serverErrors} |
| hangs (no answer in 10 s) | ${report.hangs} |
| violations | ${report.violations.length} |
| probe requests | ${report.probe.count} (failed: ${report.probe.failures}) |
| probe latency p50 / p99 / max | ${ms(report.probe.p50)} / ${ms(report.probe.p99)} / ${ms(report.probe.max)} |
| server RSS before / peak / after | ${mb(report.rss.before)} / ${mb(report.rss.peak)} / ${mb(report.rss.after)} |
| emulator bug reports on stderr | ${(stderr.match(/internal error/g) ?? []).length} |
`);
for (const violation of report.violations.slice(0, 20)) console.log(`violation: ${violation}`);
kill();
process.exitCode = report.serverErrors > 0 || report.hangs > 0 || report.violations.length > 0 ? 1 : 0;
