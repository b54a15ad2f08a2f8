import { defineConfig } from 'vitest/config';
import { CONFORMANCE_PROJECT } from './suites/_support/project.js';

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
          ...CONFORMANCE_PROJECT,
          include: ['suites/**/*.suite.ts'],
          globalSetup: ['suites/_support/global-setup.ts'],
        },
      },
    ],
  },
});
