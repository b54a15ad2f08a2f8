import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/**/*.test.ts'],
          testTimeout: 60_000,
        },
      },
      {
        test: {
          name: 'conformance',
          include: ['suites/**/*.suite.ts'],
          globalSetup: ['suites/_support/global-setup.ts'],
          provide: { waiEmulator: null, waiMiniflare: null },
          // One worker, one module graph: every suite file shares the run's session (one target,
          // one budget, each execution once), and requests run concurrently inside it instead.
          pool: 'threads',
          maxWorkers: 1,
          isolate: false,
          fileParallelism: false,
          maxConcurrency: 8,
          testTimeout: 300_000,
        },
      },
    ],
  },
});
