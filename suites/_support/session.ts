/** @module One session per conformance run, shared by every suite file of the worker (vitest runs them with isolate: false). */
import { inject } from 'vitest';
import { loadContract } from '../../src/contract/load.js';
import { DEFAULT_OPTIONS, type RunOptions } from '../../src/harness/options.js';
import { openSession, type Session } from '../../src/harness/session.js';
import './context.js';

/** The seed plain `vitest` runs use, so `npm test` is reproducible; `wai-conformance run` picks its own. */
export const DEFAULT_TEST_SEED = 20261123;

let session: Promise<Session> | undefined;

/** The run's options: what the CLI provided, or the defaults against the emulator. */
export function runOptions(): RunOptions {
  return inject('waiRunOptions') ?? { ...DEFAULT_OPTIONS, seed: DEFAULT_TEST_SEED };
}

/** The shared session, opened on first use. */
export function sharedSession(): Promise<Session> {
  session ??= openSession(runOptions(), process.env, loadContract(), inject('waiEmulator') ?? undefined);
  return session;
}
