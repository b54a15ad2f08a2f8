/**
 * @module How an execution's exchanges are judged: one check context per request, each exchange by the
 * single-exchange checks, and the set by the multi-exchange ones. `run` (the harness, as it sends) and
 * `judge` (recorded traffic) both judge through these functions, so they cannot disagree.
 */
import { evaluateChecks, evaluateMultiChecks } from '../checks/index.js';
import type { CheckContext, CheckId, Expectation } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import type { Exchange } from '../targets/types.js';
import type { ExecutionKind } from './plan.js';
import type { JudgedExchange } from './property.js';

/** What the harness expects of every request of an execution kind. */
export const EXPECTATION_OF: Readonly<Record<ExecutionKind, Expectation>> = {
  'run-valid': 'success',
  'run-invalid': 'client-error',
  'run-stream': 'success',
  auth: 'auth-error',
  'unknown-model': 'unknown-model',
  openai: 'success',
  messages: 'success',
  'messages-refused': 'client-error',
  partner: 'success',
  'partner-refused': 'client-error',
  gateway: 'success',
  catalog: 'success',
  batch: 'success',
  oracle: 'success',
};

/** The context a check judges one request in. */
export function checkContext(contract: Contract, expectation: Expectation, model: ModelEntry | undefined, input: unknown, extra: Partial<CheckContext> = {}): CheckContext {
  return { contract, expectation, input, ...(model ? { model } : {}), ...extra };
}

/** Judges one exchange by `checks`. */
export function judgeOne(
  contract: Contract,
  checks: readonly CheckId[],
  exchange: Exchange,
  expectation: Expectation,
  model: ModelEntry | undefined,
  input: unknown,
  extra: Partial<CheckContext> = {},
): JudgedExchange {
  const judged: JudgedExchange = { exchange, input, outcomes: evaluateChecks(checks, exchange, checkContext(contract, expectation, model, input, extra)) };
  if (extra.invalid) judged.invalid = extra.invalid;
  return judged;
}

/** Adds the verdict of multi-exchange checks to the last exchange they judged. */
export function judgeTogether(contract: Contract, judged: JudgedExchange[], checks: readonly CheckId[], model?: ModelEntry): JudgedExchange[] {
  if (checks.length === 0) return judged;
  const exchanges = judged.map((j) => j.exchange);
  const outcomes = evaluateMultiChecks(checks, exchanges, checkContext(contract, 'success', model, undefined));
  const last = judged.at(-1);
  if (last) last.outcomes.push(...outcomes.filter((o) => !last.outcomes.some((existing) => existing.check === o.check)));
  return judged;
}

/**
 * Which of an execution's checks judge each exchange alone and which judge the set: openai.parity
 * judges the /ai/v1 set; the gateway, catalogue and batch checks judge only sets.
 */
export function splitChecks(kind: ExecutionKind, checks: readonly CheckId[]): { single: CheckId[]; together: CheckId[] } {
  if (kind === 'gateway' || kind === 'catalog' || kind === 'batch') return { single: [], together: [...checks] };
  if (kind === 'openai') return { single: checks.filter((c) => c !== 'openai.parity'), together: checks.filter((c) => c === 'openai.parity') };
  return { single: [...checks], together: [] };
}

/** One recorded request of an execution, to judge again. */
export interface RecordedItem {
  exchange: Exchange;
  input: unknown;
  path?: string;
  /** Judged by another execution and only borrowed here (multi-exchange checks see it). */
  borrowed?: boolean;
  /** The rule a deliberately invalid input breaks, as the checks were told when it was sent. */
  invalid?: CheckContext['invalid'];
}

/** Judges an execution's exchanges after the fact, as the harness judged them while sending. */
export function judgeExecution(contract: Contract, kind: ExecutionKind, model: ModelEntry | undefined, checks: readonly CheckId[], items: readonly RecordedItem[]): JudgedExchange[] {
  const { single, together } = splitChecks(kind, checks);
  const expectation = EXPECTATION_OF[kind];
  const judged = items.map((item): JudgedExchange => {
    if (item.borrowed) return { exchange: item.exchange, input: item.input, outcomes: [], borrowed: true };
    const one = judgeOne(contract, single, item.exchange, expectation, model, item.input, item.invalid ? { invalid: item.invalid } : {});
    return item.path !== undefined ? { ...one, path: item.path } : one;
  });
  return judgeTogether(contract, judged, together, model);
}
