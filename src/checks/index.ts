/** @module The check catalogue: every check by its public id, and runners that never lose a run to a buggy check. */
import type { Exchange } from '../targets/types.js';
import { HTTP_ONLY_CHECKS } from './_internals/binding.js';
import { authRequired } from './auth.js';
import { batchLifecycle } from './batch-lifecycle.js';
import { catalogConsistency } from './catalog-consistency.js';
import { contentType } from './content-type.js';
import { envelopeConsistency, envelopeShape } from './envelope.js';
import { gatewayCache } from './gateway-cache.js';
import { modelUnknown } from './model-unknown.js';
import { openAiChat, openAiChatStream, openAiCompletions, openAiEmbeddings, openAiResponses } from './openai.js';
import { openAiMessages } from './messages.js';
import { openAiParity } from './openai-parity.js';
import { oracleParity } from './oracle-parity.js';
import { outputSchema } from './output-schema.js';
import { partnerAnswer } from './partner.js';
import { outputSemantics } from './semantics/index.js';
import { statusClientError, statusSuccess } from './status.js';
import { streamFraming } from './stream.js';
import type { AnyCheckDefinition, CheckContext, CheckDefinition, CheckId, Finding, MultiCheckDefinition, Severity } from './types.js';

export type * from './types.js';
export { streamStats, type StreamStats } from './stream.js';
export { HTTP_ONLY_CHECKS } from './_internals/binding.js';

/** Every check, by id. Ids are public interface (`--checks`, reports); the order is the order reports list them. */
export const CHECKS: Readonly<Record<CheckId, AnyCheckDefinition>> = {
  'status.success': statusSuccess,
  'status.client-error': statusClientError,
  'envelope.shape': envelopeShape,
  'envelope.consistency': envelopeConsistency,
  'content-type': contentType,
  'output.schema': outputSchema,
  'output.semantics': outputSemantics,
  'auth.required': authRequired,
  'model.unknown': modelUnknown,
  'stream.framing': streamFraming,
  'openai.chat': openAiChat,
  'openai.chat-stream': openAiChatStream,
  'openai.embeddings': openAiEmbeddings,
  'openai.completions': openAiCompletions,
  'openai.responses': openAiResponses,
  'openai.messages': openAiMessages,
  'openai.parity': openAiParity,
  'gateway.cache': gatewayCache,
  'catalog.consistency': catalogConsistency,
  'oracle.parity': oracleParity,
  'batch.lifecycle': batchLifecycle,
  'partner.answer': partnerAnswer,
};

/** All check ids, in catalogue order. */
export const CHECK_IDS = Object.keys(CHECKS) as CheckId[];

/** True when `id` names a check (for validating `--checks`). */
export function isCheckId(id: string): id is CheckId {
  return Object.prototype.hasOwnProperty.call(CHECKS, id);
}

/** The checks that judge one exchange at a time. */
export function exchangeChecks(ids: readonly CheckId[] = CHECK_IDS): CheckDefinition[] {
  return ids.map((id) => CHECKS[id]).filter((c): c is CheckDefinition => c.scope === 'exchange');
}

/** The checks that judge several exchanges together. */
export function multiExchangeChecks(ids: readonly CheckId[] = CHECK_IDS): MultiCheckDefinition[] {
  return ids.map((id) => CHECKS[id]).filter((c): c is MultiCheckDefinition => c.scope === 'exchanges');
}

/** A finding that stands for a check that threw: a bug in a check must cost one result, never the run. */
function crashed(id: CheckId, cause: unknown): Finding {
  const detail = cause instanceof Error ? `${cause.name}: ${cause.message}` : String(cause);
  return { check: id, message: `check crashed: ${detail}` };
}

/** The verdict of one check on one exchange (or one set of exchanges). */
export interface CheckOutcome {
  check: CheckId;
  /** `skipped` when the check does not apply: nothing was judged, so nothing passed. */
  status: 'passed' | 'failed' | 'skipped';
  findings: Finding[];
  /** For a failed outcome: `warning` when every finding is a warning, else `error`. */
  severity?: Severity;
}

/** The severity of a set of findings: an error if any is one (a finding without severity is an error). */
export function severityOf(findings: readonly Pick<Finding, 'severity'>[]): Severity {
  return findings.some((f) => (f.severity ?? 'error') === 'error') ? 'error' : 'warning';
}

/** Findings one check reports for one exchange, at most: a hostile answer can break a rule 100,000s of times. */
export const MAX_FINDINGS_PER_CHECK = 100;

/** The first `MAX_FINDINGS_PER_CHECK` findings, and one saying how many more there were. */
function capFindings(id: CheckId, findings: Finding[]): Finding[] {
  if (findings.length <= MAX_FINDINGS_PER_CHECK) return findings;
  const kept = findings.slice(0, MAX_FINDINGS_PER_CHECK);
  kept.push({ check: id, message: `… and ${findings.length - MAX_FINDINGS_PER_CHECK} more findings of ${id} on this exchange` });
  return kept;
}

function outcome(id: CheckId, applies: () => boolean, run: () => Finding[]): CheckOutcome {
  try {
    if (!applies()) return { check: id, status: 'skipped', findings: [] };
    const findings = capFindings(id, run());
    return findings.length ? { check: id, status: 'failed', findings, severity: severityOf(findings) } : { check: id, status: 'passed', findings };
  } catch (cause) {
    return { check: id, status: 'failed', findings: [crashed(id, cause)], severity: 'error' };
  }
}

/** Runs the single-exchange checks among `ids` on one exchange; multi-exchange ids are ignored here (see runMultiChecks). */
export function evaluateChecks(ids: readonly CheckId[], exchange: Exchange, context: CheckContext): CheckOutcome[] {
  // A binding call has no status line, envelope or headers to judge: those checks are skipped, never passed.
  const binding = exchange.binding !== undefined;
  return exchangeChecks(ids).map((c) => outcome(c.id, () => !(binding && HTTP_ONLY_CHECKS.has(c.id)) && c.applies(exchange, context), () => c.run(exchange, context)));
}

/** Runs the multi-exchange checks among `ids` on a set of exchanges; single-exchange ids are ignored here. */
export function evaluateMultiChecks(ids: readonly CheckId[], exchanges: Exchange[], context: CheckContext): CheckOutcome[] {
  return multiExchangeChecks(ids).map((c) => outcome(c.id, () => c.applies(exchanges, context), () => c.run(exchanges, context)));
}

/** The findings of the single-exchange checks among `ids`. Never throws: a crashing check becomes a "check crashed" finding. */
export function runChecks(ids: readonly CheckId[], exchange: Exchange, context: CheckContext): Finding[] {
  return evaluateChecks(ids, exchange, context).flatMap((o) => o.findings);
}

/** The findings of the multi-exchange checks among `ids`. Never throws. */
export function runMultiChecks(ids: readonly CheckId[], exchanges: Exchange[], context: CheckContext): Finding[] {
  return evaluateMultiChecks(ids, exchanges, context).flatMap((o) => o.findings);
}
