/**
 * @module Benchmark (not a test): the emulator's throughput and tail latency on one text-generation request,
 * against its peer (Prism mocking the project's own spec/openapi.yaml) and against the physical floor (a bare
 * node:http server answering a fixed small JSON), all in one run with the same client and load.
 *
 * Run: `npm run build && npx tsx bench/emulator.bench.ts [--duration S] [--rounds N] [--connections N] [--mix-duration S]
 * [--no-mix]` (defaults 5 s, 3 rounds, 10 connections, the mix as long as the main request). The emulator runs built
 * (`bin/wai-conformance.js mock`), as users run it.
 *
 * The bare server and the emulator are measured in alternating rounds and each reported by its median round: on a
 * 2-core machine the same server's rate moves between runs by up to a third (where the scheduler puts the client and
 * the server), so one run of each, one after the other, can compare a fast moment with a slow one. The ratio printed
 * is the median of the rounds' ratios, each round's beside it.
 * Targets: emulator req/s ≥ 60 % of the bare server's and ≥ 20 × Prism's, and emulator p99 ≤ 2 × the bare server's p99.
 *
 * Then the mix (unless --no-mix): a stream, a binary answer (image/png) and an embeddings batch, each on the emulator,
 * on a bare node:http server replaying the emulator's own answer to that request (same bytes, a stream written event by
 * event), and on Prism. The emulator runs with `--stream-delay 0` so the stream is measured for its cost, not its pacing.
 *
 * Every server runs in its own child process (own process group), so client and server never share an event
 * loop; the children are killed at the end, on error and on Ctrl-C. Latency percentiles are computed from
 * every response's exact time (autocannon's own histogram has whole milliseconds only).
 */
import autocannon, { type Result } from 'autocannon';
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, mkdtempSync, writeFileSync } from 'node:fs';
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

/** The mix: one request of each other kind of answer, measured on the three targets after the main request. */
const MIX: readonly { name: string; model: string; body: string }[] = [
  { name: 'stream', model: MODEL, body: JSON.stringify({ prompt: 'Where did the phrase Hello World come from?', stream: true }) },
  { name: 'binary (image/png)', model: '@cf/stabilityai/stable-diffusion-xl-base-1.0', body: JSON.stringify({ prompt: 'a lighthouse on a cliff at dusk' }) },
  {
    name: 'embeddings batch (8 texts)',
    model: '@cf/baai/bge-base-en-v1.5',
    body: JSON.stringify({ text: ['The quick brown fox', 'jumps over the lazy dog', 'Hello, World!', 'Workers AI runs models at the edge', 'a vector per text', 'batched in one request', 'seven', 'eight'] }),
  },
];
const TARGET_P99_RATIO = 2;
const TARGET_BARE_RATIO = 0.6;

const { values } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '10' },
    'mix-duration': { type: 'string' },
    'no-mix': { type: 'boolean', default: false },
  },
  strict: true,
});
if (!existsSync(join(ROOT, 'dist', 'src', 'cli', 'main.js'))) {
  console.error('run `npm run build` first: this benchmark runs the built emulator, as `wai-conformance mock` does');
  process.exit(2);
}
const duration = Number(values.duration);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const mixDuration = values['mix-duration'] === undefined ? duration : Number(values['mix-duration']);
if (!(duration > 0) || !(mixDuration > 0) || !Number.isInteger(connections) || connections < 1 || !Number.isInteger(rounds) || rounds < 1) {
  console.error('usage: npx tsx bench/emulator.bench.ts [--duration SECONDS] [--rounds N] [--connections N] [--mix-duration SECONDS] [--no-mix]');
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

/**
 * The floor of the mix: node:http answering each mix request (`POST /<index>`) with the emulator's own answer to it,
 * recorded once (same status, type and bytes; a stream written event by event, as the emulator writes it).
 */
const BARE_REPLAY_SERVER = `
const http = require('node:http');
const answers = JSON.parse(require('node:fs').readFileSync(process.argv[1], 'utf8')).map((a) => ({
  status: a.status,
  type: a.type,
  body: a.events ? undefined : Buffer.from(a.body, 'base64'),
  events: a.events,
}));
const server = http.createServer({ keepAlive: true }, (req, res) => {
  req.resume();
  req.on('end', () => {
    const a = answers[Number(req.url.slice(1))];
    if (!a) return res.writeHead(404).end();
    if (a.events) {
      res.writeHead(a.status, { 'content-type': a.type, 'cache-control': 'no-cache' });
      for (const event of a.events) res.write(event);
      return res.end();
    }
    res.writeHead(a.status, { 'content-type': a.type, 'content-length': a.body.length }).end(a.body);
  });
});
server.listen(0, '127.0.0.1', () => console.log('listening on http://127.0.0.1:' + server.address().port));
`;

/** The emulator's answer to a mix request, for the bare replay server. */
async function recordAnswer(url: string, body: string): Promise<{ status: number; type: string; body?: string; events?: string[]; bytes: number }> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body });
  const bytes = Buffer.from(await response.arrayBuffer());
  const type = response.headers.get('content-type') ?? 'application/octet-stream';
  if (type.startsWith('text/event-stream')) return { status: response.status, type, events: bytes.toString('utf8').split(/(?<=\n\n)/), bytes: bytes.length };
  return { status: response.status, type, body: bytes.toString('base64'), bytes: bytes.length };
}

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
  /** Each round's req/s and p99 (alternating rounds: see the module comment). */
  rounds?: { rps: number; p99: number }[];
}

function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

/** One autocannon run; response times of 2xx answers are kept for exact percentiles. */
async function load(url: string, seconds: number, record: boolean, body = BODY): Promise<{ result: Result; p50: number; p99: number }> {
  let times = new Float64Array(1 << 16);
  let n = 0;
  const instance = autocannon({ url, method: 'POST', headers: HEADERS, body, connections, duration: seconds });
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
async function probe(url: string, body = BODY): Promise<{ status: number; body: string }> {
  const response = await fetch(url, { method: 'POST', headers: HEADERS, body });
  return { status: response.status, body: (await response.text()).slice(0, 160) };
}

/** Probes `row` once (its answer printed) and warms it up (JIT, connections), not counted. */
async function probeAndWarm(row: Row, body: string, seconds: number): Promise<void> {
  const first = await probe(row.url, body);
  console.log(`  ${row.name}: ${first.status} ${first.body.replace(/[^\x20-\x7e]/g, '.').replace(/\n+/g, ' ')}`);
  await load(row.url, Math.min(2, seconds), false, body);
}

async function measure(row: Row, body = BODY, seconds = duration): Promise<void> {
  await probeAndWarm(row, body, seconds);
  const { result, p50, p99 } = await load(row.url, seconds, true, body);
  Object.assign(row, { result, p50, p99 });
}

const medianOf = (xs: number[]): number => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

/**
 * Measures `rows` in `rounds` alternating rounds (each warmed up once, before the first); each row keeps its median
 * round (by req/s) as its result, p99 the median of the rounds' p99s.
 */
async function measureAlternating(rows: Row[]): Promise<void> {
  for (const row of rows) {
    await probeAndWarm(row, BODY, duration);
    row.rounds = [];
  }
  const results = new Map<Row, { result: Result; p50: number; p99: number }[]>(rows.map((r) => [r, []]));
  for (let round = 0; round < rounds; round++) {
    for (const row of rows) {
      const measured = await load(row.url, duration, true);
      results.get(row)!.push(measured);
      row.rounds!.push({ rps: measured.result.requests.average, p99: measured.p99 });
    }
  }
  for (const row of rows) {
    const list = results.get(row)!;
    const byRate = [...list].sort((a, b) => a.result.requests.average - b.result.requests.average);
    const middle = byRate[(byRate.length - 1) >> 1]!;
    Object.assign(row, { result: middle.result, p50: medianOf(list.map((m) => m.p50)), p99: medianOf(list.map((m) => m.p99)) });
  }
}

// ---------------------------------------------------------------------------------------------
// Main
// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  console.log(`POST a text-generation request (${MODEL}), ${connections} connections, ${duration} s per target (after a warm-up)\n`);
  const rows: Row[] = [];

  const bare = startChild('bare', process.execPath, ['-e', BARE_SERVER], true);
  rows.push({ name: 'bare node:http', url: `${await listeningUrl(bare.child, bare.log)}/` });

  // --stream-delay 0: the mix's stream is measured for its cost, not the pause the emulator puts between events by default.
  const emulator = startChild('emulator', process.execPath, ['bin/wai-conformance.js', 'mock', '--host', '127.0.0.1', '--port', '0', '--token', TOKEN, '--stream-delay', '0'], true);
  const emulatorRun = `${await listeningUrl(emulator.child, emulator.log)}/client/v4/accounts/${ACCOUNT}/ai/run/`;
  rows.push({ name: 'emulator', url: `${emulatorRun}${MODEL}` });

  const prismRow: Row = { name: 'Prism 5 (spec/openapi.yaml)', url: '' };
  rows.push(prismRow);
  let prismRun: ((model: string) => string) | undefined;
  try {
    const port = await freePort();
    const prism = startChild('prism', join(ROOT, 'node_modules/.bin/prism'), ['mock', 'spec/openapi.yaml', '-p', String(port), '-h', '127.0.0.1']);
    const base = `http://127.0.0.1:${port}`;
    await answering(base, prism.child, prism.log);
    // Prism matches one path segment per parameter, so the raw id (several segments) may not route.
    prismRow.url = `${base}/accounts/${ACCOUNT}/ai/run/${MODEL}`;
    const raw = await probe(prismRow.url);
    prismRun = (model) => `${base}/accounts/${ACCOUNT}/ai/run/${model}`;
    if (raw.status === 404) {
      prismRun = (model) => `${base}/accounts/${ACCOUNT}/ai/run/${encodeURIComponent(model)}`;
      prismRow.url = prismRun(MODEL);
      prismRow.note = `the raw model path answered 404 (${raw.body.slice(0, 60)}…): measured with the percent-encoded path`;
    }
  } catch (error) {
    console.log(`  Prism could not start on spec/openapi.yaml: ${(error as Error).message}\n  (continuing with the other targets)\n`);
    prismRow.note = 'Prism could not start on spec/openapi.yaml (its error is printed above); not measured';
  }

  console.log(`probes (bare node:http and the emulator in ${rounds} alternating rounds of ${duration} s, Prism once):`);
  await measureAlternating(rows.slice(0, 2));
  for (const row of rows.slice(2)) if (row.url) await measure(row);

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
  const paired = emuRow?.rounds && bareRow?.rounds ? emuRow.rounds.map((e, i) => ({ rps: e.rps / bareRow.rounds![i]!.rps, p99: e.p99 / bareRow.rounds![i]!.p99 })) : [];
  if (paired.length) {
    const p99 = medianOf(paired.map((r) => r.p99));
    const rps = medianOf(paired.map((r) => r.rps));
    const each = (key: 'rps' | 'p99') => paired.map((r) => r[key].toFixed(2)).join(', ');
    console.log(`emulator p99 ÷ bare p99:    ${p99.toFixed(2)}×  median of rounds (${each('p99')})  (target ≤ ${TARGET_P99_RATIO}×: ${p99 <= TARGET_P99_RATIO ? 'met' : 'MISSED'})`);
    console.log(`emulator ÷ bare req/s:      ${rps.toFixed(2)}×  median of rounds (${each('rps')})  (target ≥ ${TARGET_BARE_RATIO}×: ${rps >= TARGET_BARE_RATIO ? 'met' : 'MISSED'})`);
    console.log(`rounds, req/s:              bare ${bareRow!.rounds!.map((r) => Math.round(r.rps).toLocaleString('en')).join(', ')}; emulator ${emuRow!.rounds!.map((r) => Math.round(r.rps).toLocaleString('en')).join(', ')}`);
  }
  const emuNon2xx = emuRow?.result?.non2xx ?? 0;
  if (emuNon2xx > 0) console.log(`\nwarning: the emulator answered ${emuNon2xx} non-2xx: the figures are not of the text-generation path`);
  if (!values['no-mix']) await mix(emulatorRun, prismRun, fmt);
}

/** The mix: a stream, a binary answer and an embeddings batch, each on the emulator, bare node:http (replaying the emulator's answer) and Prism. */
async function mix(emulatorRun: string, prismRun: ((model: string) => string) | undefined, fmt: (n: number | undefined, digits?: number) => string): Promise<void> {
  console.log(`\nmix: ${MIX.map((m) => m.name).join(', ')}; ${connections} connections, ${mixDuration} s per target (after a warm-up)`);
  const recorded = [];
  for (const m of MIX) recorded.push(await recordAnswer(`${emulatorRun}${m.model}`, m.body));
  const answersFile = join(logDir, 'mix-answers.json');
  writeFileSync(answersFile, JSON.stringify(recorded));
  const bare = startChild('bare-replay', process.execPath, ['-e', BARE_REPLAY_SERVER, answersFile], true);
  const bareBase = await listeningUrl(bare.child, bare.log);

  const table = [['request', 'target', 'req/s', 'p50 ms', 'p99 ms', 'non-2xx', 'answer bytes']];
  const ratios: string[] = [];
  for (const [i, m] of MIX.entries()) {
    console.log(`${m.name} (${m.model}):`);
    const rows: Row[] = [
      { name: 'bare node:http (replay)', url: `${bareBase}/${i}` },
      { name: 'emulator', url: `${emulatorRun}${m.model}` },
      { name: 'Prism 5', url: prismRun ? prismRun(m.model) : '' },
    ];
    for (const row of rows) if (row.url) await measure(row, m.body, mixDuration);
    for (const row of rows) {
      table.push([
        m.name,
        row.name,
        row.result ? Math.round(row.result.requests.average).toLocaleString('en') : 'not run',
        fmt(row.p50),
        fmt(row.p99),
        row.result ? String(row.result.non2xx) : '—',
        row.name === 'Prism 5' ? '' : recorded[i]!.bytes.toLocaleString('en'),
      ]);
    }
    const [b, e, p] = rows;
    const part = [`${m.name}: emulator ÷ bare req/s ${e?.result && b?.result ? (e.result.requests.average / b.result.requests.average).toFixed(2) : '—'}×`];
    part.push(`p99 ÷ bare ${e?.p99 !== undefined && b?.p99 !== undefined ? (e.p99 / b.p99).toFixed(2) : '—'}×`);
    part.push(`÷ Prism req/s ${e?.result && p?.result ? (e.result.requests.average / p.result.requests.average).toFixed(1) : '—'}×${p?.result && p.result.non2xx > 0 ? ` (Prism answered ${p.result.non2xx} non-2xx)` : ''}`);
    ratios.push(part.join(', '));
  }
  const widths = table[0]!.map((_, i) => Math.max(...table.map((row) => row[i]!.length)));
  console.log('');
  for (const row of table) console.log(row.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '));
  console.log('');
  for (const line of ratios) console.log(line);
}

try {
  await main();
} catch (error) {
  console.error(`bench failed: ${(error as Error).stack ?? String(error)}`);
  process.exitCode = 1;
} finally {
  killChildren();
}
