/** @module When to try again: 429 and 503, after `Retry-After` or an exponential backoff with jitter. */

/** How a target retries. */
export interface RetryPolicy {
  /** Most attempts per logical request, the first included (default 3). */
  maxAttempts: number;
  /** First backoff step when the server gives no `Retry-After` (default 500 ms; doubles each retry). */
  baseDelayMs: number;
  /** Longest wait before a retry (default 10 s). A longer `Retry-After` ends the retries instead. */
  maxRetryDelayMs: number;
}

/** The default policy: 3 attempts, 500 ms doubling, at most 10 s. */
export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 3, baseDelayMs: 500, maxRetryDelayMs: 10_000 };

/** Statuses that mean "not now" rather than "no": rate limited, temporarily unavailable. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status === 503;
}

/**
 * `Retry-After` in milliseconds from `now`: delay-seconds or an HTTP-date (a past date is 0).
 * `undefined` when absent or unreadable.
 */
export function parseRetryAfter(header: string | undefined, now = Date.now()): number | undefined {
  const text = header?.trim();
  if (!text) return undefined;
  if (/^\d+$/.test(text)) return Number(text) * 1000;
  // An HTTP-date names its weekday and month; without letters Date.parse would read "-1" as a year.
  const date = /[a-z]/i.test(text) ? Date.parse(text) : NaN;
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, date - now);
}

/**
 * The wait before attempt `attempt + 1` after a retryable answer to attempt `attempt` (1-based),
 * or `undefined` when there should be no further attempt: attempts used up, or the server asks
 * for a longer wait than `maxRetryDelayMs` (retrying earlier would disregard `Retry-After` and
 * spend budget on a likely second refusal).
 */
export function retryDelay(
  attempt: number,
  retryAfter: string | undefined,
  policy: RetryPolicy,
  random: () => number = Math.random,
): number | undefined {
  if (attempt >= policy.maxAttempts) return undefined;
  const asked = parseRetryAfter(retryAfter);
  if (asked !== undefined) return asked <= policy.maxRetryDelayMs ? asked : undefined;
  // "Equal jitter": at least half the exponential step, so retries neither stampede nor collapse to 0.
  const step = Math.min(policy.maxRetryDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}
