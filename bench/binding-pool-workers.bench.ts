/**
 * @module The time of a @cloudflare/vitest-pool-workers test file with 10 `env.AI.run` calls (bench/binding-pool/)
 * against the emulator, beside the same file against a hand-written stub backend with canned answers. Each backend
 * runs `--runs` times (default 5), alternating; prints the median wall time of `vitest run` and vitest's own
 * `tests` time (the test file alone, without vitest and workerd start-up).
 */
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { preparePackageFor, ROOT } from '../test/helpers/built-package.js';

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } });
const runs = Number(values.runs);
const project = join(ROOT, 'bench/binding-pool');
preparePackageFor(project);

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const samples: Record<'emulator' | 'stub', { wall: number[]; tests: number[] }> = { emulator: { wall: [], tests: [] }, stub: { wall: [], tests: [] } };

for (let i = 0; i < runs; i++) {
  for (const backend of ['emulator', 'stub'] as const) {
    const started = performance.now();
    const run = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run'], { cwd: project, env: { ...process.env, WAI_BENCH_BACKEND: backend, NO_COLOR: '1' }, encoding: 'utf8' });
    const wall = performance.now() - started;
    if (run.status !== 0) throw new Error(`vitest against the ${backend} failed:\n${run.stdout}\n${run.stderr}`);
    const tests = /tests ([\d.]+)(ms|s)/.exec(run.stdout);
    samples[backend].wall.push(wall);
    if (tests) samples[backend].tests.push(Number(tests[1]) * (tests[2] === 's' ? 1000 : 1));
  }
}

console.log(`vitest-pool-workers, one test file of 10 env.AI.run calls, median of ${runs} runs`);
console.log('backend   | vitest run wall (ms) | tests (ms)');
for (const backend of ['emulator', 'stub'] as const) {
  console.log(`${backend.padEnd(9)} | ${median(samples[backend].wall).toFixed(0).padStart(20)} | ${median(samples[backend].tests).toFixed(0).padStart(10)}`);
}
const ratio = median(samples.emulator.wall) / median(samples.stub.wall);
console.log(`emulator / stub wall time: ${ratio.toFixed(2)}×; tests time difference: ${(median(samples.emulator.tests) - median(samples.stub.tests)).toFixed(0)} ms`);
