/**
 * @module Benchmark (not a test): exchanges the harness judges per second against the emulator, versus the raw
 * rate autocannon gets from the same emulator in the same run. Target: the harness at ≥ 50 % of autocannon.
 *
 * Run: `npx tsx bench/harness.bench.ts [--seconds 5]`.
 *
 * The emulator runs in a child process (`wai-conformance mock --port 0`), so the harness (generation, HTTP,
 * checks) and the server each have a core, as against any real target. First the harness runs the default plan
 * (every catalogue model, default runs and concurrency) at it over `--target url`; then autocannon sends one
 * representative request (a text-generation POST) at the same concurrency for a few seconds. The harness rate is
 * `summary.requests / durationMs` (every request it sent, retries included, was judged).
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { DEFAULT_OPTIONS } from '../src/harness/options.js';
import { runConformance } from '../src/harness/session.js';
import { loadContract } from '../src/contract/load.js';
import { createTarget } from '../src/targets/index.js';
import { runProperty } from '../src/harness/property.js';
import { EXECUTION_CHECKS } from '../src/harness/plan.js';
import { validRequests } from '../src/generate/requests.js';
import { PLACEHOLDER_ACCOUNT_ID } from '../src/targets/index.js';

/** The part of autocannon's programmatic API used here (the package ships no types). */
interface AutocannonResult {
  requests: { average: number; total: number };
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  '2xx': number;
}
type Autocannon = (options: { url: string; method: string; headers: Record<string, string>; body: string; connections: number; duration: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-token';
const { values } = parseArgs({ options: { seconds: { type: 'string', default: '5' }, seed: { type: 'string', default: '42' } } });
const seconds = Number(values.seconds);
const seed = Number(values.seed);

/** Starts `wai-conformance mock --port 0` from source and resolves with its URL once it prints the ready line. */
function startEmulator(): Promise<{ url: string; child: ChildProcessWithoutNullStreams }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'mock', '--port', '0', '--token', TOKEN], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    child.stderr.on('data', (d) => (err += d));
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve({ url: match[1]!, child });
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before listening: ${err}`)));
  });
}

/** CPU seconds a process has used so far (Linux /proc; undefined elsewhere). */
function childCpuSeconds(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime + stime, in clock ticks (USER_HZ = 100)
  } catch {
    return undefined;
  }
}

const { url, child } = await startEmulator();
try {
  const concurrency = DEFAULT_OPTIONS.concurrency;
  const cpuBefore = process.cpuUsage();
  const childBefore = childCpuSeconds(child.pid);
  const report = await runConformance({ ...DEFAULT_OPTIONS, target: 'url', baseUrl: `${url}/client/v4`, seed }, { CLOUDFLARE_API_TOKEN: TOKEN });
  const cpu = process.cpuUsage(cpuBefore);
  const childAfter = childCpuSeconds(child.pid);
  const harnessRate = report.summary.requests / (report.durationMs / 1000);
  console.log(`harness:    ${report.summary.requests} exchanges judged in ${(report.durationMs / 1000).toFixed(2)} s over ${new Set(report.results.map((r) => r.model)).size - 1} models, concurrency ${concurrency}: ${harnessRate.toFixed(0)} exchanges/s (${report.summary.passed} passed, ${report.summary.failed} failed, ${report.summary.skipped} skipped)`);
  const emulatorCpu = childBefore !== undefined && childAfter !== undefined ? `, emulator ${(childAfter - childBefore).toFixed(1)} s` : '';
  console.log(`            CPU: harness process ${((cpu.user + cpu.system) / 1e6).toFixed(1)} s${emulatorCpu}`);

  const model = '@cf/meta/llama-3.1-8b-instruct-fp8';
  const raw = await autocannon({
    url: `${url}/client/v4/accounts/${PLACEHOLDER_ACCOUNT_ID}/ai/run/${model}`,
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify({ prompt: 'Where did the phrase Hello World come from?' }),
    connections: concurrency,
    duration: seconds,
  });
  if (raw.non2xx > 0 || raw.errors > 0) console.log(`autocannon: warning: ${raw.non2xx} non-2xx answers, ${raw.errors} errors, ${raw.timeouts} timeouts`);
  console.log(`autocannon: ${raw.requests.total} requests in ${raw.duration.toFixed(2)} s, ${concurrency} connections, POST /ai/run/${model}: ${raw.requests.average.toFixed(0)} requests/s`);
  const ratio = harnessRate / raw.requests.average;
  console.log(`\nwhole run ÷ autocannon: ${(ratio * 100).toFixed(1)} % (cold: includes compiling every model's schemas and building its generators)`);

  // Steady state, the like-for-like figure: the same model and request path as autocannon, the same
  // concurrency, schemas already compiled; every exchange generated by fast-check and judged by the
  // six checks of a valid /ai/run request.
  const contract = loadContract();
  const target = await createTarget({ kind: 'url', baseUrl: `${url}/client/v4`, concurrency, env: { CLOUDFLARE_API_TOKEN: TOKEN } });
  const entry = contract.model(model)!;
  const property = (seedOffset: number, runs: number) =>
    runProperty({ contract, target, model: entry, arbitrary: validRequests(contract, entry), checks: EXECUTION_CHECKS['run-valid'], expectation: 'success', seed: seed + seedOffset, runs });
  await property(0, 50); // warm-up: compile, JIT
  const started = performance.now();
  const outcomes = await Promise.all(Array.from({ length: concurrency }, (_, i) => property(i + 1, 400)));
  const elapsed = (performance.now() - started) / 1000;
  const judged = outcomes.reduce((n, o) => n + o.judged.length, 0);
  const failed = outcomes.reduce((n, o) => n + o.judged.filter((j) => j.outcomes.some((x) => x.status === 'failed')).length, 0);
  await target.close();
  const steady = judged / elapsed;
  console.log(`steady:     ${judged} exchanges generated, sent and judged in ${elapsed.toFixed(2)} s at concurrency ${concurrency} (${failed} failed): ${steady.toFixed(0)} exchanges/s`);
  console.log(`steady ÷ autocannon: ${((steady / raw.requests.average) * 100).toFixed(1)} % (target ≥ 50 %)`);
} finally {
  child.kill('SIGTERM');
}
