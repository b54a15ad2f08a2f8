/** @module What the CLI hands the suites (through vitest's `provide`), and what each test hands the reporters (`meta`). */
import type {} from 'vitest';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/harness/options.js';
import type { ResultRecord } from '../../src/harness/report.js';
import type { CoverageSample } from '../../src/harness/coverage-recorder.js';
import type { RecordedExecution } from '../../src/cassettes/record.js';

/** A running emulator started by the global setup, shared by every suite file. */
export interface RunningEmulator {
  url: string;
  token: string;
}

/** Per-test metadata the conformance reporter collects. */
export interface ConformanceMeta {
  results: ResultRecord[];
  /** Execution key, so requests shared by several tests are counted once. */
  execution: string;
  /** Requests the execution sent (retries included). */
  requests: number;
  /** The target's API root, for the report. */
  baseUrl: string;
  /** True when the request budget ran out before this case finished. */
  budgetExhausted: boolean;
  /** What the execution covered (the same for every case of one execution). */
  coverage?: CoverageSample;
  /** `--record`: the execution's HAR entries, carried by the first test that views the execution. */
  recorded?: RecordedExecution;
}

declare module 'vitest' {
  interface ProvidedContext {
    waiEmulator: RunningEmulator | null;
    /** The `--target miniflare` driver the global setup started (workerd is a child process: it must be stopped there). */
    waiMiniflare: { url: string; baseUrl: string } | null;
  }
  interface TaskMeta {
    wai?: ConformanceMeta;
  }
}

/** Environment variable through which `wai-conformance run` hands its options to vitest's processes (no secrets in it). */
export const RUN_OPTIONS_VARIABLE = 'WAI_CONFORMANCE_RUN_OPTIONS';

/** The seed plain `vitest` runs use, so `npm test` is reproducible; `wai-conformance run` picks its own. */
export const DEFAULT_TEST_SEED = 20261123;

/**
 * The run's options: what the CLI handed over, or the defaults against the emulator (plain `vitest`). Plain
 * `vitest` runs deprecated models too: the emulator serves the whole catalogue, and its self-test covers it.
 */
export function runOptions(env: NodeJS.ProcessEnv = process.env): RunOptions {
  const handed = env[RUN_OPTIONS_VARIABLE];
  return handed ? (JSON.parse(handed) as RunOptions) : { ...DEFAULT_OPTIONS, includeDeprecated: true, seed: DEFAULT_TEST_SEED };
}
