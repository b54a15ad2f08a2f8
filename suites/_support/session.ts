/** @module One session per conformance run, shared by every suite file of the worker (vitest runs them with isolate: false). */
import { inject } from 'vitest';
import { sharedContract } from '../../src/contract/load.js';
import { openSession, type Session } from '../../src/harness/session.js';
import { runOptions } from './context.js';

let session: Promise<Session> | undefined;

/** The shared session, opened on first use. */
export function sharedSession(): Promise<Session> {
  session ??= openSession(runOptions(), process.env, sharedContract(), inject('waiEmulator') ?? undefined, inject('waiMiniflare') ?? undefined);
  return session;
}
