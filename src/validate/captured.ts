/**
 * @module Judging one captured document by the contract: a request input, a model output, a whole /ai/run answer, an
 * /ai/v1 body (the Anthropic-compatible /ai/v1/messages included), an SSE transcript, what the binding returned, or an
 * error body. Schemas come from the contract and
 * streams and /ai/v1 bodies are judged by the run's own checks on a captured exchange, so nothing is judged twice
 * by two different rules.
 */
import { jsonSchemaFor, observedErrorForm } from '../checks/_internals/documented.js';
import { runChecks } from '../checks/index.js';
import type { CheckId, Finding } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import type { ModelEntry } from '../contract/types.js';
import type { OpenAiEndpoint, Operation } from '../targets/types.js';
import { documentValue, judgeBySchemas, needModel, schemaLines, type CapturedDocument, type Verdict } from './document.js';
import { capturedExchange } from './exchange.js';

export { CAPTURED_PARTS, CapturedDocumentError, DOCUMENT_FORMATS, documentValue, OPENAI_ENDPOINTS, validateBinary, type CapturedDocument, type CapturedPart, type DocumentFormat, type Verdict } from './document.js';

const findingLines = (findings: readonly Finding[]): Verdict => findings.map((f) => `${f.check}: ${f.message}`);

/** The checks that judge an /ai/v1 body or a stream, by endpoint (`run` for /ai/run). */
const BODY_CHECKS: Record<OpenAiEndpoint, CheckId> = {
  'chat/completions': 'openai.chat',
  completions: 'openai.completions',
  embeddings: 'openai.embeddings',
  responses: 'openai.responses',
  messages: 'openai.messages',
};

function operationOf(doc: CapturedDocument, model: ModelEntry | undefined): Operation {
  if (doc.endpoint) return { kind: 'openai', endpoint: doc.endpoint };
  return { kind: 'run', model: model!.id };
}

/** Runs the run's own checks on the document as a captured exchange. */
function judgeByChecks(contract: Contract, doc: CapturedDocument, checks: CheckId[], contentType: string, bytes: Uint8Array, stream: boolean, bodyModel?: string): Verdict {
  const model = doc.model ?? (bodyModel ? contract.model(bodyModel) : undefined);
  const input: Record<string, unknown> = { ...(stream ? { stream: true } : {}), ...(model ? { model: model.id } : bodyModel ? { model: bodyModel } : {}) };
  const exchange = capturedExchange({ operation: operationOf(doc, model), input, status: doc.status ?? 200, contentType, bytes });
  // The request itself was not captured: `input` says only what the answer tells (model, stream).
  return findingLines(runChecks(checks, exchange, { contract, expectation: 'success', ...(model ? { model } : {}), input, requestUnknown: true }));
}

/** An SSE transcript: pastes and files usually drop the blank line that closes the last event, so it is closed here. */
function judgeStream(contract: Contract, doc: CapturedDocument): Verdict {
  if (!doc.endpoint) needModel(doc);
  const transcript = Buffer.concat([Buffer.from(doc.bytes), Buffer.from('\n\n')]);
  const checks: CheckId[] = doc.endpoint === 'chat/completions' ? ['stream.framing', 'openai.chat-stream'] : doc.endpoint === 'messages' ? ['stream.framing', 'openai.messages'] : ['stream.framing'];
  return judgeByChecks(contract, doc, checks, 'text/event-stream', transcript, true);
}

/**
 * The error schema an endpoint documents in place of the v4 envelope (/ai/v1/messages: AnthropicErrorBody), for the
 * document's status (400 when unknown), or undefined where the endpoint's errors are the v4 envelope.
 */
function ownErrorSchema(contract: Contract, doc: CapturedDocument): { uri: string; name: string } | undefined {
  if (!doc.endpoint) return undefined;
  const exchange = capturedExchange({ operation: { kind: 'openai', endpoint: doc.endpoint }, status: doc.status ?? 400, contentType: 'application/json', bytes: doc.bytes });
  const schema = jsonSchemaFor(contract, exchange, doc.status ?? 400);
  return schema.name === 'ErrorEnvelope' ? undefined : schema;
}

function judgeError(contract: Contract, doc: CapturedDocument, value: unknown): Verdict {
  const own = ownErrorSchema(contract, doc);
  if (own) return schemaLines(contract.validate(own.uri, value));
  const errors = contract.validate(contract.componentUri('ErrorEnvelope'), value);
  // A form the real API was seen sending besides the v4 envelope (spec/openapi.yaml ObservedErrorBody) is accepted.
  if (errors.length > 0 && observedErrorForm(contract, value)) return [];
  const problems = schemaLines(errors);
  const success = typeof value === 'object' && value !== null ? (value as { success?: unknown }).success : undefined;
  if (success !== false) problems.unshift(`/success: expected false in an error body, found ${JSON.stringify(success) ?? 'nothing'}`);
  return problems;
}

/**
 * Judges one captured document. Returns the disagreements (empty when the contract accepts it); throws
 * CapturedDocumentError when the document cannot be read as what it claims to be.
 */
export function judgeCaptured(contract: Contract, doc: CapturedDocument): Verdict {
  if (doc.partner && doc.part !== 'stream') return judgeBySchemas(contract, doc);
  if (doc.part === 'stream') return judgeStream(contract, doc);
  if (doc.endpoint && doc.part === 'response') {
    const value = documentValue(doc.bytes, doc.format ?? 'json');
    const bodyModel = typeof value === 'object' && value !== null && typeof (value as { model?: unknown }).model === 'string' ? (value as { model: string }).model : undefined;
    const bytes = doc.format === 'python-repr' ? Buffer.from(JSON.stringify(value)) : doc.bytes;
    return judgeByChecks(contract, doc, [BODY_CHECKS[doc.endpoint]], 'application/json', bytes, false, bodyModel);
  }
  if (doc.part === 'error') return judgeError(contract, doc, documentValue(doc.bytes, doc.format ?? 'json'));
  return judgeBySchemas(contract, doc);
}
