/**
 * @module A tiny semaphore bounding requests in flight (`--concurrency`).
 *
 * undici's `connections` also caps sockets, but it queues the excess requests inside the pool,
 * where the wait would count against our per-request timeout and inflate `firstByteMs`. Holding
 * the slot here means a request's clock starts when it really goes out, and a request waiting
 * for a slot has not yet taken from the budget.
 */

/** Bounds how many holders run at once; waiters are served first come, first served. */
export class Limiter {
  #active = 0;
  readonly #waiting: Array<() => void> = [];

  /** @param max most holders at once (a positive integer). */
  constructor(readonly max: number) {
    if (!Number.isInteger(max) || max < 1) {
      throw new RangeError(`Limiter max should be a positive integer, got ${String(max)}`);
    }
  }

  /** Holders now running. */
  get active(): number {
    return this.#active;
  }

  /**
   * Waits for a slot and returns its release function (call it exactly once).
   * Rejects with the signal's reason if `signal` aborts while waiting.
   */
  acquire(signal?: AbortSignal): Promise<() => void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.#active < this.max) {
      this.#active += 1;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve, reject) => {
      const grant = (): void => {
        signal?.removeEventListener('abort', onAbort);
        this.#active += 1;
        resolve(this.#releaser());
      };
      const onAbort = (): void => {
        const index = this.#waiting.indexOf(grant);
        if (index >= 0) this.#waiting.splice(index, 1);
        reject(signal?.reason);
      };
      this.#waiting.push(grant);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** Runs `task` inside a slot. */
  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    const release = await this.acquire(signal);
    try {
      return await task();
    } finally {
      release();
    }
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      // A double release would let one more holder in than `max`.
      if (released) return;
      released = true;
      this.#active -= 1;
      this.#waiting.shift()?.();
    };
  }
}
