/** @module The vitest settings of the conformance project, shared by vitest.config.ts (TypeScript suites) and `wai-conformance run` (compiled suites). */

/** Settings of the conformance project other than where its files are. */
export const CONFORMANCE_PROJECT = {
  name: 'conformance',
  provide: { waiEmulator: null, waiMiniflare: null },
  // One worker, one module graph: every suite file shares the run's session (one target,
  // one budget, each execution once), and requests run concurrently inside it instead.
  pool: 'threads',
  maxWorkers: 1,
  isolate: false,
  fileParallelism: false,
  maxConcurrency: 8,
  testTimeout: 300_000,
} as const;
