/**
 * @module A vitest pool that runs the suites in the CLI's own thread (vitest's public, experimental custom-pool API:
 * `pool: { name, createPoolWorker }`).
 *
 * `wai-conformance run` runs one worker anyway (`maxWorkers: 1`, no isolation): every suite file shares one session.
 * In a worker thread that worker is a second V8 heap with its own copy of vitest's runtime, of the contract (its
 * compiled validators) and of everything the suites load, beside the main thread's (vitest, the contract the CLI
 * planned with, the emulator). In the CLI's thread the suites load `dist/src` natively, as the CLI did, so they share
 * its modules: one contract, whose validators the emulator and the checks both use, and one heap. Messages still go
 * through a MessageChannel, so vitest sees exactly what a thread worker would send (structured clones).
 *
 * What the worker runtime changes in its process is undone when the pool stops: `process.exit` (vitest makes it
 * throw), `console` (routed to the reporters), the environment variables vitest sets, and its listeners for uncaught
 * errors. The runtime keeps module-level state (its module runner, the evaluated modules), so one process can run the
 * suites in its thread once: `inThreadPool()` says `undefined` the second time, and the caller uses vitest's threads.
 */
import { MessageChannel, type MessagePort } from 'node:worker_threads';

/** vitest's `PoolOptions` (the parts used here). */
interface PoolOptions {
  env: Partial<NodeJS.ProcessEnv>;
}

/** vitest's `PoolWorker`. */
interface PoolWorker {
  readonly name: string;
  on(event: string, callback: (arg: unknown) => void): void;
  off(event: string, callback: (arg: unknown) => void): void;
  send(message: unknown): void;
  deserialize(data: unknown): unknown;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** vitest's `PoolRunnerInitializer`, the value of the `pool` option. */
export interface PoolRunnerInitializer {
  readonly name: string;
  createPoolWorker(options: PoolOptions): PoolWorker;
}

export const IN_THREAD_POOL = 'wai-in-thread';

let used = false;

/** The in-thread pool, or `undefined` when this process already ran suites in its thread (see the module's note). */
export function inThreadPool(): PoolRunnerInitializer | undefined {
  if (used) return undefined;
  return {
    name: IN_THREAD_POOL,
    createPoolWorker(options) {
      if (used) throw new Error('the in-thread pool runs one worker per process');
      used = true;
      return new InThreadWorker(options.env);
    },
  };
}

const ERROR_EVENTS = ['uncaughtException', 'unhandledRejection'] as const;

class InThreadWorker implements PoolWorker {
  readonly name = IN_THREAD_POOL;
  /** The pool's end of the channel (vitest's side) and the runtime's end. */
  #pool: MessagePort | undefined;
  #runtime: MessagePort | undefined;
  #restore: (() => void) | undefined;

  constructor(private readonly env: Partial<NodeJS.ProcessEnv>) {}

  on(event: string, callback: (arg: unknown) => void): void {
    // A thread's 'error' and 'exit' cannot happen here: an error in the suites surfaces through vitest's own handlers.
    if (event === 'message') this.#pool?.on('message', callback);
  }

  off(event: string, callback: (arg: unknown) => void): void {
    if (event === 'message') this.#pool?.off('message', callback);
  }

  send(message: unknown): void {
    this.#pool?.postMessage(message);
  }

  deserialize(data: unknown): unknown {
    return data;
  }

  async start(): Promise<void> {
    if (this.#pool) return;
    this.#restore = saveProcessState(this.env);
    const { port1, port2 } = new MessageChannel();
    this.#pool = port1;
    this.#runtime = port2;
    const runtime = port2;
    const { init, runBaseTests, setupEnvironment } = await import('vitest/worker');
    init({
      post: (response) => runtime.postMessage(response),
      on: (callback) => runtime.on('message', callback),
      off: (callback) => runtime.off('message', callback),
      teardown: () => runtime.removeAllListeners('message'),
      runTests: (state, traces) => runBaseTests('run', state, traces),
      collectTests: (state, traces) => runBaseTests('collect', state, traces),
      setup: setupEnvironment,
    });
  }

  async stop(): Promise<void> {
    this.#pool?.close();
    this.#runtime?.close();
    this.#pool = this.#runtime = undefined;
    this.#restore?.();
    this.#restore = undefined;
  }
}

/** Applies the worker's environment and returns what puts back what the worker runtime changes in the process. */
function saveProcessState(env: Partial<NodeJS.ProcessEnv>): () => void {
  const exit = process.exit;
  const console = globalThis.console;
  const savedEnv = { ...process.env };
  const listenersOf = (event: (typeof ERROR_EVENTS)[number]): Function[] => process.listeners(event as 'uncaughtException');
  const listeners = new Map(ERROR_EVENTS.map((event) => [event, listenersOf(event)]));
  for (const [key, value] of Object.entries(env)) if (value !== undefined) process.env[key] = value;
  return () => {
    process.exit = exit;
    globalThis.console = console;
    for (const key of Object.keys(process.env)) if (!(key in savedEnv)) delete process.env[key];
    Object.assign(process.env, savedEnv);
    for (const event of ERROR_EVENTS) {
      const before = listeners.get(event) ?? [];
      for (const listener of listenersOf(event)) if (!before.includes(listener)) process.off(event as 'uncaughtException', listener as NodeJS.UncaughtExceptionListener);
    }
  };
}
