/** @module A hard request budget (`--max-requests`), shared by everything that sends. */

/**
 * Counts requests against a limit that is never exceeded. `tryTake()` is synchronous, so
 * concurrent senders on the one JavaScript thread cannot both take the last unit.
 */
export class Budget {
  #used = 0;

  /** @param limit the most requests ever sent; `undefined` or `Infinity` means no limit. */
  constructor(readonly limit: number = Infinity) {
    if (!(limit >= 0) || (Number.isFinite(limit) && !Number.isInteger(limit))) {
      throw new RangeError(`Budget limit should be a non-negative integer or Infinity, got ${String(limit)}`);
    }
  }

  /** Takes one request from the budget; `false` (and nothing taken) when it is spent. */
  tryTake(): boolean {
    if (this.#used >= this.limit) return false;
    this.#used += 1;
    return true;
  }

  /** Requests taken so far. */
  get used(): number {
    return this.#used;
  }

  /** Requests still allowed (`Infinity` without a limit). */
  get remaining(): number {
    return this.limit - this.#used;
  }

  /** `true` once no request may be sent any more. */
  get exhausted(): boolean {
    return this.#used >= this.limit;
  }
}
