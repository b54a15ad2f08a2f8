/**
 * @module Benchmark (not a test): exchanges the harness judges per second against the emulator, versus the raw
 * rate autocannon gets from the same emulator in the same run. Goal: the harness's steady state at ≥ 30 % of
 * autocannon's rate on the same request mix (beyond it 50 %).
 *
 * Run: `npx tsx bench/harness.bench.ts [--seconds 5] [--rounds 5] [--warmup 3] [--runs 400] [--seed 42]`.
 *
 * The emulator runs in a child process (`wai-conformance mock --port 0`), so the harness (generation, HTTP,
 * checks) and the server each have a core, as against any real target. First the harness runs the default plan
 * (every catalogue model, default runs and concurrency) at it over `--target url`, cold, beside autocannon sending
 * one text-generation POST for `--seconds`. Then the steady state, the goal's figure: after `--warmup` windows,
 * `--rounds` rounds each of one harness window (`concurrency` properties of `--runs` llama-3.1-8b requests side by
 * side over the same 8 keep-alive connections, every request drawn by fast-check and judged by every check of a
 * valid run), then autocannon replaying the very bodies the harness sent (same headers, same connections count),
 * then autocannon on the one request; `--seconds` of autocannon per reference, split over the rounds. Medians.
 * The drawn requests average ~580 bytes and cost the emulator about twice the one short prompt's CPU, so the
 * one-request figure overstates what autocannon would reach on the harness's traffic.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
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
/** One request of autocannon's `requests` list (each connection cycles through the list). */
interface AutocannonRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body: string;
}
type Autocannon = (options: { url: string; method: string; headers: Record<string, string>; body: string; requests?: AutocannonRequest[]; connections: number; duration: number }) => Promise<AutocannonResult>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-token';
const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    seed: { type: 'string', default: '42' },
    rounds: { type: 'string', default: '5' },
    warmup: { type: 'string', default: '3' },
    runs: { type: 'string', default: '400' },
  },
});
/** autocannon's time per reference, split over the rounds. */
const seconds = Number(values.seconds);
const seed = Number(values.seed);
/** Steady-state rounds, each a harness window then autocannon on the same mix then on the one request. */
const rounds = Number(values.rounds);
/** Harness windows run (and discarded) before the first measured one. */
const warmup = Number(values.warmup);
/** Cases per property in a window (a window runs `concurrency` properties side by side). */
const runsPerProperty = Number(values.runs);

const median = (xs: readonly number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const range = (xs: readonly number[]): string => `${Math.min(...xs).toFixed(0)}–${Math.max(...xs).toFixed(0)}`;
const loadAverage = (): string => loadavg().map((l) => l.toFixed(2)).join(' ');
const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const singleBody = JSON.stringify({ prompt: 'Where did the phrase Hello World come from?' });

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
    headers,
    body: singleBody,
    connections: concurrency,
    duration: seconds,
  });
  if (raw.non2xx > 0 || raw.errors > 0) console.log(`autocannon: warning: ${raw.non2xx} non-2xx answers, ${raw.errors} errors, ${raw.timeouts} timeouts`);
  console.log(`autocannon: ${raw.requests.total} requests in ${raw.duration.toFixed(2)} s, ${concurrency} connections, POST /ai/run/${model}: ${raw.requests.average.toFixed(0)} requests/s`);
  const ratio = harnessRate / raw.requests.average;
  console.log(`\nwhole run ÷ autocannon: ${(ratio * 100).toFixed(1)} % (cold: includes compiling every model's schemas and building its generators)`);

  // Steady state, the like-for-like figure: the same model and request path as autocannon, the same
  // concurrency and keep-alive connections, schemas already compiled and the code warm; every exchange
  // generated by fast-check and judged by the six checks of a valid /ai/run request. Measured in rounds that
  // alternate with autocannon (so both see the same load from whatever else runs on the machine); medians.
  const contract = loadContract();
  const target = await createTarget({ kind: 'url', baseUrl: `${url}/client/v4`, concurrency, env: { CLOUDFLARE_API_TOKEN: TOKEN } });
  const entry = contract.model(model)!;
  const checks = EXECUTION_CHECKS['run-valid'];
  const property = (seedOffset: number, runs: number) =>
    runProperty({ contract, target, model: entry, arbitrary: validRequests(contract, entry), checks, expectation: 'success', seed: seed + seedOffset, runs });
  /** One window: `concurrency` properties of `runs` cases side by side, as the harness runs a plan. */
  const window = async (first: number, runs: number) => {
    const cpu = process.cpuUsage();
    const emulator = childCpuSeconds(child.pid);
    const started = performance.now();
    const outcomes = await Promise.all(Array.from({ length: concurrency }, (_, i) => property(first + i, runs)));
    const elapsed = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const emulatorUsed = emulator === undefined ? undefined : childCpuSeconds(child.pid)! - emulator;
    const judged = outcomes.flatMap((o) => o.judged);
    const failed = judged.filter((j) => j.outcomes.some((x) => x.status === 'failed')).length;
    return { judged, failed, rate: judged.length / elapsed, harnessUs: ((used.user + used.system) / judged.length), emulatorUs: emulatorUsed === undefined ? undefined : (emulatorUsed * 1e6) / judged.length };
  };
  // Warm-up: compile, then JIT (the first thousands of exchanges run measurably slower).
  await property(0, 50);
  for (let w = 0; w < warmup; w++) await window(1 + w * concurrency, runsPerProperty);
  const first = await window(1 + warmup * concurrency, runsPerProperty);
  // The same mix for autocannon: the very bodies the harness drew and sent in a window, with its headers.
  const path = `/client/v4/accounts/${PLACEHOLDER_ACCOUNT_ID}/ai/run/${model}`;
  const sentHeaders = { ...headers, 'user-agent': 'workers-ai-conformance' };
  const mix = first.judged.map((j) => ({ method: 'POST', path, headers: sentHeaders, body: JSON.stringify((j.exchange.spec.body as { json: unknown }).json) }));
  const roundSeconds = Math.max(0.5, seconds / rounds);
  const harness: Awaited<ReturnType<typeof window>>[] = [];
  const acMix: number[] = [];
  const acSingle: number[] = [];
  const acMixEmulatorUs: number[] = [];
  for (let r = 0; r < rounds; r++) {
    harness.push(await window(1 + (warmup + 1 + r) * concurrency, runsPerProperty));
    const before = childCpuSeconds(child.pid);
    const same = await autocannon({ url: `${url}${path}`, method: 'POST', headers: sentHeaders, body: '', requests: mix, connections: concurrency, duration: roundSeconds });
    const after = childCpuSeconds(child.pid);
    if (same.non2xx > 0 || same.errors > 0) console.log(`autocannon (mix): warning: ${same.non2xx} non-2xx answers, ${same.errors} errors, ${same.timeouts} timeouts`);
    acMix.push(same.requests.average);
    if (before !== undefined && after !== undefined) acMixEmulatorUs.push(((after - before) * 1e6) / same.requests.total);
    acSingle.push((await autocannon({ url: `${url}${path}`, method: 'POST', headers, body: singleBody, connections: concurrency, duration: roundSeconds })).requests.average);
  }
  await target.close();
  const rates = harness.map((h) => h.rate);
  const steady = median(rates);
  const failed = harness.reduce((n, h) => n + h.failed, 0);
  const emulatorUs = harness.map((h) => h.emulatorUs).filter((u): u is number => u !== undefined);
  console.log(`\nsteady state, ${rounds} rounds alternated with autocannon (${rounds} × ${concurrency * runsPerProperty} exchanges after ${warmup + 1} warm-up windows), load ${loadAverage()}:`);
  console.log(`harness:           median ${steady.toFixed(0)} exchanges/s (${range(rates)}), ${failed} failed; CPU an exchange: harness ${median(harness.map((h) => h.harnessUs)).toFixed(0)} µs (${range(harness.map((h) => h.harnessUs))}), emulator ${emulatorUs.length ? `${median(emulatorUs).toFixed(0)} µs` : 'n/a'}`);
  console.log(`autocannon, same mix (the ${mix.length} bodies the harness sent, its headers): median ${median(acMix).toFixed(0)} req/s (${range(acMix)}); emulator CPU a request ${acMixEmulatorUs.length ? `${median(acMixEmulatorUs).toFixed(0)} µs` : 'n/a'}`);
  console.log(`autocannon, one request (${singleBody}): median ${median(acSingle).toFixed(0)} req/s (${range(acSingle)})`);
  console.log(`\nsteady ÷ autocannon, same mix: ${((steady / median(acMix)) * 100).toFixed(1)} % (goal ≥ 30 %, beyond it 50 %)`);
  console.log(`steady ÷ autocannon, one request: ${((steady / median(acSingle)) * 100).toFixed(1)} % (the figure before the mix was matched)`);
} finally {
  child.kill('SIGTERM');
}
