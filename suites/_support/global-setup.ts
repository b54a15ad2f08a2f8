/** @module Starts the embedded emulator once for a whole conformance run (when the target is the emulator) and stops it after. */
import { randomBytes } from 'node:crypto';
import type { TestProject } from 'vitest/node';
import { startEmulator } from '../../src/emulator/index.js';
import { DEFAULT_OPTIONS } from '../../src/harness/options.js';
import { runOptions } from './context.js';

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const options = runOptions();
  const target = options.target ?? DEFAULT_OPTIONS.target;
  project.provide('waiMiniflare', null);
  if (target === 'miniflare') {
    // Started here, in the main process, so it is disposed at the end (a worker thread's children would outlive it).
    const { startMiniflareBinding } = await import('../../src/targets/miniflare.js');
    const driver = await startMiniflareBinding(options.baseUrl);
    project.provide('waiEmulator', null);
    project.provide('waiMiniflare', { url: driver.url, baseUrl: driver.baseUrl });
    return () => driver.close();
  }
  if (target !== 'emulator') {
    project.provide('waiEmulator', null);
    return async () => {};
  }
  // A token made for this run: the emulator refuses any other, so the auth checks mean something.
  const token = `wai-run-${randomBytes(12).toString('hex')}`;
  // Streams without the 2 ms pause between chunks that `mock` keeps (each chunk still its own write): a run no longer
  // waits on timers for them (about 0.5 s of a 4.5 s default run, most of it /ai/v1 streams of 50 chunks;
  // bench/README.md). How a client reads events split across reads is the SSE parser's tests' (test/unit/targets).
  const emulator = await startEmulator({ host: '127.0.0.1', port: 0, token, faults: options.faults, streamDelayMs: 0 });
  project.provide('waiEmulator', { url: emulator.url, token });
  return () => emulator.close();
}
