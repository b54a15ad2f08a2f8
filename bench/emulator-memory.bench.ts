/**
 * @module Benchmark (not a test): the emulator's resident memory over 100,000 requests. Target: flat (no growth
 * per request) once warm.
 *
 * Run: `npm run build && npx tsx bench/emulator-memory.bench.ts [--requests 100000] [--connections 10]`.
 *
 * `wai-conformance mock` (the built CLI) runs in a child process; autocannon sends the requests in ten equal rounds,
 * cycling through a mix (a text-generation request, an embeddings batch, a streamed answer, an invalid input), and
 * the child's RSS (VmRSS from /proc) is printed after each round, with the V8 heap still in use after two full garbage
 * collections (bench/heap-probe.cjs, loaded into the child, answers SIGUSR2): RSS also counts what the heap and the
 * allocator keep without using, so the heap after GC is what tells a leak. The first round warms up (validators loaded,
 * JIT, connection pools); growth is judged from the end of the first round to the end of the last.
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

const child = spawn(process.execPath, ['--expose-gc', '--require', './bench/heap-probe.cjs', 'bin/wai-conformance.js', 'mock', '--port', '0', '--token', TOKEN], {
  cwd: ROOT,
  stdio: ['ignore', 'pipe', 'pipe'],
});
let childOut = '';
child.stdout.on('data', (d: Buffer) => {
  childOut += d.toString('utf8');
});
const stop = () => child.kill('SIGTERM');
process.once('SIGINT', () => {
  stop();
  process.exit(130);
});
try {
  const url = await new Promise<string>((resolve, reject) => {
    const poll = setInterval(() => {
      const match = /listening on (http:\/\/\S+)/.exec(childOut);
      if (match) {
        clearInterval(poll);
        resolve(match[1]!);
      }
    }, 20);
    child.once('exit', (code) => {
      clearInterval(poll);
      reject(new Error(`the emulator exited with ${code} before listening`));
    });
  });
  /** The child's heap in use after two full collections, in MB (heap-probe.cjs). */
  const heapAfterGcMb = async (): Promise<number> => {
    const seen = childOut.length;
    child.kill('SIGUSR2');
    const deadline = Date.now() + 10_000;
    for (;;) {
      const match = /heap-after-gc (\d+)\n/.exec(childOut.slice(seen));
      if (match) return Number(match[1]) / 1024 / 1024;
      if (Date.now() > deadline) throw new Error('the emulator did not report its heap within 10 s');
      await new Promise((r) => setTimeout(r, 20));
    }
  };
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
  console.log(`  before any request: ${rssMb().toFixed(1)} MB RSS, heap after GC ${(await heapAfterGcMb()).toFixed(2)} MB`);
  const series: number[] = [];
  const heaps: number[] = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const result = await autocannon({ url, connections, amount: Math.round(total / ROUNDS), requests });
    series.push(rssMb());
    heaps.push(await heapAfterGcMb());
    console.log(
      `  after ${(round * total) / ROUNDS} requests: ${series.at(-1)!.toFixed(1)} MB RSS, heap after GC ${heaps.at(-1)!.toFixed(2)} MB  (2xx ${result['2xx']}, non-2xx ${result.non2xx}, errors ${result.errors})`,
    );
  }
  const after = total - total / ROUNDS;
  const perRequest = (mb: number): string => ((mb * 1024 * 1024) / after).toFixed(1);
  const growth = series.at(-1)! - series[0]!;
  const heapGrowth = heaps.at(-1)! - heaps[0]!;
  console.log(`RSS growth after warm-up: ${growth.toFixed(1)} MB over ${after} requests (${perRequest(growth)} bytes per request); peak ${Math.max(...series).toFixed(1)} MB`);
  console.log(`heap after GC, growth after warm-up: ${heapGrowth.toFixed(2)} MB over ${after} requests (${perRequest(heapGrowth)} bytes per request)`);
} finally {
  stop();
}
