/**
 * @module Benchmark (not a test): the emulator's throughput and tail latency on one text-generation request,
 * against its peer (Prism mocking the project's own spec/openapi.yaml) and against the physical floor (a bare
 * node:http server answering a fixed small JSON), all in one run with the same client and load.
 *
 * Run: `npx tsx bench/emulator.bench.ts [--duration S] [--connections N]` (defaults 10 s, 10 connections).
 * Targets: emulator req/s ≥ 20 × Prism's, and emulator p99 ≤ 2 × the bare server's p99.
 *
 * Every server runs in its own child process (own process group), so client and server never share an event
 * loop; the children are killed at the end, on error and on Ctrl-C. Latency percentiles are computed from
 * every response's exact time (autocannon's own histogram has whole milliseconds only).
 */
import autocannon, { type Result } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const ACCOUNT = '023e105f4ecef8ad9ca31a8372d0c353'; // Prism validates account_id against the spec's pattern
const TOKEN = 'bench-token';
const MODEL = '@cf/meta/llama-3.1-8b-instruct-fp8';
const BODY = JSON.stringify({ prompt: 'Where did the phrase Hello World come from?' });
const HEADERS = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
const TARGET_PRISM_RATIO = 20;
const TARGET_P99_RATIO = 2;

const { values } = parseArgs({
  options: { duration: { type: 'string', default: '10' }, connections: { type: 'string', default: '10' } },
  strict: true,
});
const duration = Number(values.duration);
const connections = Number(values.connections);
if (!(duration > 0) || !Number.isInteger(connections) || connections < 1) {
  console.error('usage: npx tsx bench/emulator.bench.ts [--duration SECONDS] [--connections N]');
  process.exit(2);
}

// ---------------------------------------------------------------------------------------------
// Child processes
// ---------------------------------------------------------------------------------------------

const children: ChildProcess[] = [];
const logDir = mkdtempSync(join(tmpdir(), 'wai-bench-'));

/** Starts a child in its own process group; its output goes to a log file (read back on failure). */
function startChild(name: string, command: string, args: string[], pipeStdout = false): { child: ChildProcess; log: string } {
  const log = join(logDir, `${name}.log`);
  const fd = openSync(log, 'w');
  const child = spawn(command, args, { cwd: ROOT, detached: true, stdio: ['ignore', pipeStdout ? 'pipe' : fd, fd] });
  closeSync(fd);
  children.push(child);
  return { child, log };
}

/** Kills every child's process group, by its id. Synchronous, so it also works from an `exit` handler. */
function killChildren(): void {
  for (const child of children.splice(0)) {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) continue;
    try {
      process.kill(-child.pid, 'SIGKILL');
    } catch {
      // Already gone.
    }
  }
}
process.on('exit', killChildren);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    killChildren();
    process.exit(130);
  });
}

const tail = (file: string, lines = 15): string => readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');

/** Resolves with the URL of the first `listening on URL` line the child prints. */
function listeningUrl(child: ChildProcess, log: string, timeoutMs = 30_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within ${timeoutMs} ms:\n${out}${tail(log)}`)), timeoutMs);
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) {
        clearTimeout(timer);
        child.stdout!.removeAllListeners('data');
        child.stdout!.resume(); // keep draining, never block the child
        resolve(match[1]!);
      }
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`exited (${signal ?? code}) before listening:\n${out}${tail(log)}`));
    });
  });
}

/** A port that was free a moment ago (Prism takes no port 0). */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** Polls until something answers HTTP on `url`; rejects when the child exits first or after `timeoutMs`. */
async function answering(url: string, child: ChildProcess, log: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`exited (${child.signalCode ?? child.exitCode}) before answering:\n${tail(log)}`);
    try {
      await fetch(url, { signal: AbortSignal.timeout(1000) });
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  throw new Error(`did not answer within ${timeoutMs} ms:\n${tail(log)}`);
}

/** The bare floor: node:http answering a fixed small JSON, nothing else. */
const BARE_SERVER = `
const http = require('node:http');
const body = JSON.stringify({ result: { response: 'Hello, World!' }, success: true, errors: [], messages: [] });
const server = http.createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) }).end(body));
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

// ---------------------------------------------------------------------------------------------
// Load
// ---------------------------------------------------------------------------------------------

interface Row {
  name: string;
  url: string;
  result?: Result;
  /** Exact percentiles of 2xx response times, ms. */
  p50?: number;
  p99?: number;
  note?: string;
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One autocannon run; response times of 2xx answers are kept for exact percentiles. */
async function load(url: string, seconds: number, record: boolean): Promise<{ result: Result; p50: number; p99: number }> {
  let times = new Float64Array(1 << 16);
  let n = 0;
  const instance = autocannon({ url, method: 'POST', headers: HEADERS, body: BODY, connections, duration: seconds });
  if (record) {
    instance.on('response', (_client: unknown, status: number, _bytes: number, ms: number) => {
      if (status < 200 || status >= 300) return;
      if (n === times.length) {
        const grown = new Float64Array(times.length * 2);
        grown.set(times);
        times = grown;
      }
      times[n++] = ms;
    });
  }
  const result = await instance;
  const sorted = times.subarray(0, n).sort();
  return { result, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** One request, to show what a target answers before it is loaded. */
async function probe(url: string): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body: BODY });
  return { status: response.status, body: (await response.text()).slice(0, 160) };
}

async function measure(row: Row): Promise<void> {
  const first = await probe(row.url);
  console.log(`  ${row.name}: ${first.status} ${first.body}`);
  await load(row.url, Math.min(2, duration), false); // warm-up (JIT, connections), not counted
  const { result, p50, p99 } = await load(row.url, duration, true);
  Object.assign(row, { result, p50, p99 });
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`POST a text-generation request (${MODEL}), ${connections} connections, ${duration} s per target (after a warm-up)\n`);
  const rows: Row[] = [];

  const bare = startChild('bare', process.execPath, ['-e', BARE_SERVER], true);
  rows.push({ name: 'bare node:http', url: `${await listeningUrl(bare.child, bare.log)}/` });

  const emulator = startChild('emulator', process.execPath, ['--import', 'tsx', 'src/cli/run-cli.ts', 'mock', '--host', '127.0.0.1', '--port', '0', '--token', TOKEN], true);
  rows.push({ name: 'emulator', url: `${await listeningUrl(emulator.child, emulator.log)}/client/v4/accounts/${ACCOUNT}/ai/run/${MODEL}` });

  const prismRow: Row = { name: 'Prism 5 (spec/openapi.yaml)', url: '' };
  rows.push(prismRow);
  try {
    const port = await freePort();
    const prism = startChild('prism', join(ROOT, 'node_modules/.bin/prism'), ['mock', 'spec/openapi.yaml', '-p', String(port), '-h', '127.0.0.1']);
    const base = `http://127.0.0.1:${port}`;
    await answering(base, prism.child, prism.log);
    // Prism matches one path segment per parameter, so the raw id (several segments) may not route.
    prismRow.url = `${base}/accounts/${ACCOUNT}/ai/run/${MODEL}`;
    const raw = await probe(prismRow.url);
    if (raw.status === 404) {
      prismRow.url = `${base}/accounts/${ACCOUNT}/ai/run/${encodeURIComponent(MODEL)}`;
      prismRow.note = `the raw model path answered 404 (${raw.body.slice(0, 60)}…): measured with the percent-encoded path`;
    }
  } catch (error) {
    console.log(`  Prism could not start on spec/openapi.yaml: ${(error as Error).message}\n  (continuing with the other targets)\n`);
    prismRow.note = 'Prism could not start on spec/openapi.yaml (its error is printed above); not measured';
  }

  console.log('probes:');
  for (const row of rows) if (row.url) await measure(row);

  const fmt = (n: number | undefined, digits = 2): string => (n === undefined || Number.isNaN(n) ? '—' : n.toFixed(digits));
  const table = [
    ['target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'errors'],
    ...rows.map((r) => [
      r.name,
      r.result ? Math.round(r.result.requests.average).toLocaleString('en') : 'not run',
      fmt(r.p50),
      fmt(r.p99),
      r.result ? String(r.result.non2xx) : '—',
      r.result ? String(r.result.errors + r.result.timeouts) : '—',
    ]),
  ];
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log('');
  for (const row of table) console.log(row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  for (const row of rows) if (row.note) console.log(`\nnote (${row.name}): ${row.note}`);

  const [bareRow, emuRow] = rows;
  console.log('');
  if (emuRow?.result && prismRow.result) {
    const ratio = emuRow.result.requests.average / prismRow.result.requests.average;
    console.log(`emulator ÷ Prism req/s:     ${ratio.toFixed(1)}×  (target ≥ ${TARGET_PRISM_RATIO}×: ${ratio >= TARGET_PRISM_RATIO ? 'met' : 'MISSED'})`);
  } else {
    console.log('emulator ÷ Prism req/s:     not measured (Prism did not run)');
  }
  if (emuRow?.p99 !== undefined && bareRow?.p99 !== undefined) {
    const ratio = emuRow.p99 / bareRow.p99;
    console.log(`emulator p99 ÷ bare p99:    ${ratio.toFixed(2)}×  (target ≤ ${TARGET_P99_RATIO}×: ${ratio <= TARGET_P99_RATIO ? 'met' : 'MISSED'})`);
  }
  if (emuRow?.result && bareRow?.result) {
    console.log(`emulator ÷ bare req/s:      ${(emuRow.result.requests.average / bareRow.result.requests.average).toFixed(2)}×`);
  }
  const emuNon2xx = emuRow?.result?.non2xx ?? 0;
  if (emuNon2xx > 0) console.log(`\nwarning: the emulator answered ${emuNon2xx} non-2xx: the figures are not of the text-generation path`);
}

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  killChildren();
}
