/** @module The options of a conformance run: parsed from `wai-conformance run` flags, validated, defaulted. */
import type { TargetKind } from '../targets/types.js';
import type { CheckId } from '../checks/types.js';
import type { CoverageThresholds } from './coverage-gate.js';

/** Areas of the suites besides task ids (DESIGN.md). */
export const AREAS = ['envelope', 'streaming', 'errors', 'openai', 'gateway', 'catalog', 'batch'] as const;
export type Area = (typeof AREAS)[number];

/** Everything a run needs, after defaults. Credentials are not here: they come from the environment only. */
export interface RunOptions {
  target: TargetKind;
  baseUrl?: string;
  /** `--binding-module PATH[#export]` of `--target binding`: the object whose `run` is judged. */
  bindingModule?: string;
  accountId?: string;
  gatewayId?: string;
  /** Model ids or globs (`@cf/meta/*`); empty = all catalogue models. */
  models: string[];
  /**
   * Run deprecated models too (spec/models/lifecycle.yaml). Without it they are skipped, unless named by
   * their exact id in `models`; absent (older callers) means false.
   */
  includeDeprecated?: boolean;
  /** Informational, set by `run`: the deprecated models the selection matched but leaves out (reports show it). */
  skippedDeprecated?: string[];
  /** Task ids and areas; empty = all. */
  tasks: string[];
  /** Check ids; empty = all. */
  checks: CheckId[];
  /** Property cases per model and check family. */
  runs: number;
  seed: number;
  maxRequests?: number;
  concurrency: number;
  timeoutMs: number;
  pathStyle: 'raw' | 'encoded';
  list: boolean;
  reportDir: string;
  reporters: ReporterName[];
  /** Emulator target only: faults to inject (self-tests). */
  faults: string[];
  /** vitest shard (`1/3`), passed through. */
  shard?: string;
  /** Shard reports to merge instead of running (`--merge-reports`). */
  mergeReports?: string[];
  /** `--min-coverage`: the run fails (exit 1) when its coverage is below these percentages. */
  minCoverage?: CoverageThresholds;
  /** `--strict`: warnings (rules without enforcement evidence) count for the exit code, as errors do. */
  strict?: boolean;
  /** `--record FILE.har`: write every exchange of the run as a HAR 1.2 cassette (absolute path). */
  record?: string;
  /** `--oracle FILE.har`: send the cassette's requests and judge the answers by `oracle.parity` (absolute path). */
  oracle?: string;
}

export const REPORTERS = ['json', 'junit', 'markdown', 'html'] as const;
export type ReporterName = (typeof REPORTERS)[number];

/** Defaults chosen so a run over every catalogue model on the emulator takes seconds, not minutes. */
export const DEFAULT_OPTIONS: Omit<RunOptions, 'seed'> = {
  target: 'emulator',
  models: [],
  includeDeprecated: false,
  tasks: [],
  checks: [],
  runs: 3,
  concurrency: 8,
  timeoutMs: 30_000,
  pathStyle: 'raw',
  list: false,
  reportDir: 'reports',
  reporters: [...REPORTERS],
  faults: [],
};

/** Converts a glob such as `@cf/meta/*` to a matcher; `*` matches within a segment, `**` across. */
export function globMatcher(pattern: string): (id: string) => boolean {
  const source = pattern
    .split(/(\*\*|\*)/)
    .map((part) => (part === '**' ? '.*' : part === '*' ? '[^/]*' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('');
  const regex = new RegExp(`^${source}$`);
  return (id) => regex.test(id);
}
