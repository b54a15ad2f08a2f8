/**
 * @module Benchmark (not a test): where the time of a default `wai-conformance run` goes, beside a bare `node -e ''`
 * started in the same run. Target: the whole run ≤ 5 s wall on 2 cores, peak RSS ≤ 250 MB.
 *
 * Run: `npm run build && npx tsx bench/run-breakdown.bench.ts [--repeat 3] [--seed 1]`.
 *
 * Each repeat starts, one after another: `node -e ''`, then `node bin/wai-conformance.js run` with its defaults (all
 * models, default runs, all four reports, the embedded emulator) into a temporary report folder, timing each from spawn
 * to exit and sampling the run's peak RSS (VmHWM: the whole process, every thread of it) and CPU time (utime + stime)
 * from /proc. Medians are printed. One more run with `--cpu-prof` gives the breakdown: a wall-clock timeline of the
 * phases, and CPU time per pipeline stage on each thread. The built CLI runs the suites in its own thread (one
 * profile: the CLI, vitest, the emulator and the suites); `WAI_CONFORMANCE_POOL=threads` puts them in vitest's worker
 * thread (two profiles), as before. `--compare-threads` alternates both in the same run (before/after side by side). Profiling slows a run, so the timeline's total is longer than the unprofiled wall time.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { firstAfter, summariseProfiles, type ThreadSummary } from './cpu-profile.js';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const BIN = join(ROOT, 'bin', 'wai-conformance.js');
const { values } = parseArgs({ options: { repeat: { type: 'string', default: '3' }, seed: { type: 'string', default: '1' }, 'compare-threads': { type: 'boolean', default: false } } });
const compareThreads = values['compare-threads']!;
const repeat = Number(values.repeat);
const seed = values.seed!;

if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('run `npm run build` first: this benchmark runs the built CLI, as `npm start` does');
  process.exit(2);
}

/** A finished process: wall time from spawn to exit, peak RSS, exit code, and the monotonic clock at spawn and exit. */
interface Finished {
  wallMs: number;
  peakRssMb: number | undefined;
  /** CPU time of the process (all its threads), ms, as last sampled before it exited. */
  cpuMs: number | undefined;
  code: number | null;
  spawnUs: number;
  exitUs: number;
  stderr: string;
}

function peakRssMb(pid: number | undefined): number | undefined {
  try {
    const match = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

function cpuMs(pid: number | undefined): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // clock ticks (USER_HZ = 100 on Linux)
  } catch {
    return undefined;
  }
}

function time(args: string[], env: Record<string, string> = {}): Promise<Finished> {
  const spawnUs = Number(process.hrtime.bigint() / 1000n);
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, CI: '1', ...env } });
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  let peak: number | undefined;
  let cpu: number | undefined;
  const poll = setInterval(() => {
    peak = peakRssMb(child.pid) ?? peak;
    cpu = cpuMs(child.pid) ?? cpu;
  }, 20);
  return new Promise((resolve) => {
    child.once('exit', (code) => {
      const exitUs = Number(process.hrtime.bigint() / 1000n);
      clearInterval(poll);
      resolve({ wallMs: (exitUs - spawnUs) / 1000, peakRssMb: peak, cpuMs: cpu, code, spawnUs, exitUs, stderr });
    });
  });
}

const median = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

const work = mkdtempSync(join(tmpdir(), 'wai-bench-run-'));
try {
  const runArgs = (dir: string) => [BIN, 'run', '--seed', seed, '--report-dir', join(work, dir)];
  const bare: number[] = [];
  // The default (suites in the CLI's thread) and, with --compare-threads, the suites in vitest's worker thread, alternated.
  const variants: [name: string, env: Record<string, string>][] = [['wai-conformance run (defaults)', {}]];
  if (compareThreads) variants.push(['  same, WAI_CONFORMANCE_POOL=threads', { WAI_CONFORMANCE_POOL: 'threads' }]);
  const runs = variants.map((): Finished[] => []);
  for (let i = 0; i < repeat; i++) {
    bare.push((await time(['-e', ''])).wallMs);
    for (const [v, [, env]] of variants.entries()) {
      const run = await time(runArgs(`reports-${v}-${i}`), env);
      if (run.code !== 0) throw new Error(`the run exited ${run.code}:\n${run.stderr}`);
      runs[v]!.push(run);
    }
  }
  const requests = (JSON.parse(readFileSync(join(work, 'reports-0-0', 'conformance.json'), 'utf8')) as { summary: { requests: number } }).summary.requests;
  console.log(`load: ${readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ')} (1, 5, 15 min), ${(await import('node:os')).availableParallelism()} cores`);
  console.log(`node -e ''                             median ${median(bare).toFixed(0).padStart(6)} ms   (${bare.map((x) => x.toFixed(0)).join(', ')})`);
  for (const [v, [name]] of variants.entries()) {
    const list = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
    const wall = runs[v]!.map((r) => r.wallMs);
    const rss = list(runs[v]!.map((r) => r.peakRssMb));
    const cpu = list(runs[v]!.map((r) => r.cpuMs));
    console.log(`${name.padEnd(38)} median ${median(wall).toFixed(0).padStart(6)} ms   (${wall.map((x) => x.toFixed(0)).join(', ')}); ${requests} requests; seed ${seed}`);
    if (rss.length) console.log(`${'  peak RSS'.padEnd(38)} median ${median(rss).toFixed(0).padStart(6)} MB   (${rss.map((x) => x.toFixed(0)).join(', ')})`);
    if (cpu.length) console.log(`${'  CPU time, all threads'.padEnd(38)} median ${median(cpu).toFixed(0).padStart(6)} ms   (${cpu.map((x) => x.toFixed(0)).join(', ')})`);
  }

  // One profiled run for the breakdown.
  const profileDir = join(work, 'profile');
  // `--cpu-prof-dir=DIR` as one argument: vitest hands the worker thread only the arguments that start with
  // `--cpu-prof`, so a separate DIR would be lost and the worker would fail to start.
  const profiled = await time(['--cpu-prof', `--cpu-prof-dir=${profileDir}`, ...runArgs('reports-profiled')]);
  const threads = summariseProfiles(profileDir);
  printBreakdown(profiled, threads);
} finally {
  rmSync(work, { recursive: true, force: true });
}

function printBreakdown(run: Finished, threads: ThreadSummary[]): void {
  // One profile: the suites ran in the CLI's thread (the built CLI); two: in vitest's worker thread.
  const [main, worker = main] = threads;
  if (!main || !worker) {
    console.log('(no profile found)');
    return;
  }
  const first = (t: ThreadSummary, stage: string) => t.spans.get(stage)?.firstUs;
  const last = (t: ThreadSummary, stage: string) => t.spans.get(stage)?.lastUs;
  const vitestStart = first(main, 'vitest') ?? main.startUs;
  // In one thread the CLI loads and runs code of the harness, the checks and the transport before vitest starts: there
  // the exchanges start with the first request after vitest's.
  const workerStages = threads.length === 1 ? ['transport', 'checks', 'generate'] : ['transport', 'checks', 'generate', 'harness'];
  const exchangesStart = threads.length === 1 ? (firstAfter(worker, 'transport', vitestStart) ?? vitestStart) : Math.min(...workerStages.map((s) => first(worker, s) ?? Infinity));
  const exchangesEnd = Math.max(...workerStages.map((s) => last(worker, s) ?? -Infinity));
  const marks: [string, number, number][] = [
    ['process start (node bootstrap, until the profiler starts)', run.spawnUs, main.startUs],
    ['CLI: flags, contract load, plan', main.startUs, vitestStart],
    ['vitest start: config, global setup (emulator start), worker or in-thread runtime, suite collection', vitestStart, exchangesStart],
    ['exchanges: generate, send, emulator answers, checks (concurrent)', exchangesStart, exchangesEnd],
    ['reports and exit', exchangesEnd, run.exitUs],
  ];
  console.log(`\nbreakdown of one profiled run (${run.wallMs.toFixed(0)} ms under the profiler):`);
  for (const [name, from, to] of marks) console.log(`  ${((to - from) / 1000).toFixed(0).padStart(6)} ms  ${name}`);
  const emulatorStart = first(main, 'emulator');
  if (emulatorStart !== undefined) console.log(`  (the emulator's first work at +${((emulatorStart - run.spawnUs) / 1000).toFixed(0)} ms; the worker's first exchange at +${((exchangesStart - run.spawnUs) / 1000).toFixed(0)} ms)`);

  const stages = [...new Set(threads.flatMap((t) => [...t.cpuMs.keys()]))].filter((s) => s !== 'idle');
  const total = (t: ThreadSummary) => stages.reduce((sum, s) => sum + (t.cpuMs.get(s) ?? 0), 0);
  stages.sort((a, b) => threads.reduce((n, t) => n + (t.cpuMs.get(b) ?? 0) - (t.cpuMs.get(a) ?? 0), 0));
  console.log('\nCPU time per stage (ms):');
  console.log(`  ${'stage'.padEnd(16)} ${threads.map((_, i) => (i === 0 ? (threads.length === 1 ? 'one thread' : 'main') : `worker ${i}`).padStart(10)).join(' ')}`);
  for (const stage of stages) console.log(`  ${stage.padEnd(16)} ${threads.map((t) => (t.cpuMs.get(stage) ?? 0).toFixed(0).padStart(10)).join(' ')}`);
  console.log(`  ${'busy total'.padEnd(16)} ${threads.map((t) => total(t).toFixed(0).padStart(10)).join(' ')}`);
  console.log(`  ${'idle'.padEnd(16)} ${threads.map((t) => (t.cpuMs.get('idle') ?? 0).toFixed(0).padStart(10)).join(' ')}`);
}
