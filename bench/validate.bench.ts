/**
 * @module Benchmark (not a test): response validation speed against JSON.parse of the same bytes,
 * and the cold start of `wai-conformance validate` on one file.
 *
 * Run: `npx tsx bench/validate.bench.ts` (after `npm run build`, for the cold start).
 * The physical floor of judging a JSON answer is parsing it; validation should cost no more than
 * parsing does (target: validation rate ≥ 50 % of JSON.parse's on the same bytes).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadContract } from '../src/contract/load.js';
import { TASK_IDS } from '../src/contract/types.js';
import { outputMakers } from '../src/emulator/outputs/index.js';
import { createRng } from '../src/emulator/rng.js';
import { exampleFromSchema } from '../src/generate/example-from-schema.js';

/** Runs `fn` repeatedly for about `ms` and returns operations per second. */
function rate(fn: () => void, ms = 400): number {
  for (let i = 0; i < 200; i++) fn(); // warm up the JIT
  let ops = 0;
  const start = performance.now();
  let elapsed = 0;
  while (elapsed < ms) {
    for (let i = 0; i < 100; i++) fn();
    ops += 100;
    elapsed = performance.now() - start;
  }
  return (ops / elapsed) * 1000;
}

const contract = loadContract();
const rows: string[][] = [];
let worst = Infinity;
for (const task of TASK_IDS) {
  const model = contract.modelsOfTask(task).find((m) => m.facts.response.envelope && m.facts.transport === 'http');
  if (!model) continue;
  const rng = createRng(42);
  const input = exampleFromSchema(contract.inlinedSchema(model, "input"), rng) as Record<string, unknown>;
  const answer = outputMakers[task].make({ contract, model, input, rng });
  if (answer.kind !== 'json') continue;
  const bytes = JSON.stringify({ result: answer.result, success: true, errors: [], messages: [] });
  const document = JSON.parse(bytes) as unknown;
  if (contract.validateEnvelope(model, document).length) throw new Error(`${model.id}: the typical response is not valid`);
  const parseRate = rate(() => JSON.parse(bytes));
  const validateRate = rate(() => contract.validateEnvelope(model, document));
  const ratio = validateRate / parseRate;
  worst = Math.min(worst, ratio);
  rows.push([task, model.id, `${bytes.length}`, Math.round(parseRate).toLocaleString('en'), Math.round(validateRate).toLocaleString('en'), `${(ratio * 100).toFixed(0)} %`]);
}

const header = ['task', 'model', 'bytes', 'JSON.parse/s', 'validate/s', 'validate ÷ parse'];
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
for (const row of [header, ...rows]) console.log(row.map((c, i) => c.padEnd(widths[i]!)).join('  '));
console.log(`\nslowest task: validation at ${(worst * 100).toFixed(0)} % of JSON.parse (target ≥ 50 %)`);

// Cold start: the real binary, a fresh process each time, on one file.
const dir = mkdtempSync(join(tmpdir(), 'wai-bench-'));
const file = join(dir, 'response.json');
writeFileSync(file, JSON.stringify({ result: { response: 'Hello.', usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } }, success: true, errors: [], messages: [] }));
// Alternating with a bare `node -e 0`, so both see the same machine load; medians of 11 each.
const times: number[] = [];
const baseline: number[] = [];
const timed = (args: string[]): number => {
  const start = performance.now();
  execFileSync(process.execPath, args);
  return performance.now() - start;
};
for (let i = 0; i < 11; i++) {
  times.push(timed(['bin/wai-conformance.js', 'validate', '--model', '@cf/meta/llama-3.1-8b-instruct-fp8', file]));
  baseline.push(timed(['-e', '0']));
}
times.sort((a, b) => a - b);
baseline.sort((a, b) => a - b);
const startRatio = times[5]! / baseline[5]!;
console.log(`cold start of validate: median ${times[5]!.toFixed(0)} ms; bare node -e 0 in the same run: ${baseline[5]!.toFixed(0)} ms; ratio ${startRatio.toFixed(2)}× (target ≤ 2×: ${startRatio <= 2 ? 'met' : 'MISSED'})`);
