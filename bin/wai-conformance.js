#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run automatically by `npm ci`).
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';
import { main } from '../dist/src/cli/main.js';

/**
 * Stops V8's young generation growing once it holds `bytes` (both semi-spaces). A conformance run keeps a large heap
 * alive (the contract's validators, the generators, every case's results), so much survives each scavenge and V8 grows
 * the semi-spaces to 16 MB each, which the run pays in peak RSS for little speed: 8 MB in all costs a few % of CPU,
 * 2 MB about 10 % (bench/README.md, "The malloc heap and the young generation"). Checked after each GC until reached.
 */
function capYoungGeneration(bytes) {
  const reached = () => (getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0) >= bytes;
  const cap = () => reached() && (setFlagsFromString('--semi-space-growth-factor=1'), true);
  if (cap()) return;
  const observer = new PerformanceObserver(() => {
    if (cap()) observer.disconnect();
  });
  observer.observe({ entryTypes: ['gc'] });
}

if (process.argv[2] === 'run') capYoungGeneration(8 * 1024 * 1024);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    process.stderr.write(`wai-conformance: internal error: ${error?.stack ?? error}\n`);
    process.exitCode = 3;
  },
);
