/**
 * @module Runs every benchmark in bench/ (`*.bench.ts`), one after another, each in its own process:
 * `npx tsx bench/run-all.ts`, each with its default settings (run one file directly to pass it flags).
 * Exits 1 when a benchmark fails.
 */
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const dir = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(dir).filter((f) => f.endsWith('.bench.ts')).sort();
let failed = 0;
for (const file of files) {
  console.log(`\n=== bench/${file}\n`);
  const run = spawnSync(process.execPath, ['--import', 'tsx', `bench/${file}`], { cwd: fileURLToPath(new URL('..', import.meta.url)), stdio: 'inherit' });
  if (run.status !== 0) {
    failed++;
    console.log(`bench/${file} failed (${run.signal ?? `exit ${run.status}`})`);
  }
}
process.exitCode = failed > 0 ? 1 : 0;
