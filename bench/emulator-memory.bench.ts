/**
 * @module Benchmark (not a test): the emulator's resident memory over 100,000 requests. Target: flat (no growth
 * per request) once warm.
 *
 * Run: `npm run build && npx tsx bench/emulator-memory.bench.ts [--requests 100000] [--connections 10]`.
 *
 * `wai-conformance mock` (the built CLI) runs in a child process; autocannon sends the requests in ten equal rounds,
 * cycling through a mix (a text-generation request, an embeddings batch, a streamed answer, an invalid input), and
 * the child's RSS (VmRSS from /proc) is printed after each round. The first round warms up (validators loaded, JIT,
 * connection pools); growth is judged from the end of the first round to the end of the last.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

type Autocannon = (options: Record<string, unknown>) => Promise<{ '2xx': number; non2xx: number; errors: number }>;
const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const TOKEN = 'bench-token';
const { values } = parseArgs({ options: { requests: { type: 'string', default: '100000' }, connections: { type: 'string', default: '10' } } });
const total = Number(values.requests);
const connections = Number(values.connections);
const ROUNDS = 10;

const child = spawn(process.execPath, ['bin/wai-conformance.js', 'mock', '--port', '0', '--token', TOKEN], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', () => {
  stop();
  process.exit(130);
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.once('exit', (code) => reject(new Error(`the emulator exited with ${code} before listening`)));
  });
  const rssMb = (): number => Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))![1]) / 1024;
  const run = (model: string) => `/client/v4/accounts/0123456789abcdef0123456789abcdef/ai/run/${model}`;
  const headers = { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' };
  const requests = [
    { method: 'POST', path: run('@cf/meta/llama-3.1-8b-instruct-fp8'), headers, body: JSON.stringify({ prompt: 'Where is New York?', max_tokens: 32 }) },
    { method: 'POST', path: run('@cf/baai/bge-base-en-v1.5'), headers, body: JSON.stringify({ text: ['one', 'two', 'three', 'four'] }) },
    { method: 'POST', path: run('@cf/meta/llama-3.1-8b-instruct-fp8'), headers, body: JSON.stringify({ prompt: 'Tell me a story.', max_tokens: 16, stream: true }) },
    { method: 'POST', path: run('@cf/meta/llama-3.1-8b-instruct-fp8'), headers, body: JSON.stringify({ prompt: 'x', max_tokens: 0 }) },
  ];
  console.log(`wai-conformance mock: ${total} requests in ${ROUNDS} rounds, ${connections} connections, a mix of ${requests.length} requests`);
  console.log(`  before any request: ${rssMb().toFixed(1)} MB`);
  const series: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const result = await autocannon({ url, connections, amount: Math.round(total / ROUNDS), requests });
    series.push(rssMb());
    console.log(`  after ${(round * total) / ROUNDS} requests: ${series.at(-1)!.toFixed(1)} MB  (2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors})`);
  }
  const growth = series.at(-1)! - series[0]!;
  const perRequest = (growth * 1024 * 1024) / (total - total / ROUNDS);
  console.log(`growth after warm-up: ${growth.toFixed(1)} MB over ${total - total / ROUNDS} requests (${perRequest.toFixed(1)} bytes per request); peak ${Math.max(...series).toFixed(1)} MB`);
} finally {
  stop();
}
