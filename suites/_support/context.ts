/** @module What the CLI hands the suites (through vitest's `provide`), and what each test hands the reporters (`meta`). */
import type { RunOptions } from '../../src/harness/options.js';
import type { ResultRecord } from '../../src/harness/report.js';

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
}

declare module 'vitest' {
  interface ProvidedContext {
    /** The run's options; absent under plain `vitest` (then the defaults run against the emulator). */
    waiRunOptions: RunOptions | null;
    waiEmulator: RunningEmulator | null;
  }
  interface TaskMeta {
    wai?: ConformanceMeta;
  }
}
