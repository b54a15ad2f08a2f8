/**
 * @module Judging one captured document by the contract: a request input, a model output, a whole /ai/run answer, an
 * /ai/v1 body, an SSE transcript, what the binding returned, or an error body. Schemas come from the contract and
 * streams and /ai/v1 bodies are judged by the run's own checks on a captured exchange, so nothing is judged twice
 * by two different rules.
 */
import { observedErrorForm } from '../checks/_internals/documented.js';
import { runChecks } from '../checks/index.js';
import type { CheckId, Finding } from '../checks/types.js';
import type { Contract } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import type { ModelEntry, SchemaError } from '../contract/types.js';
import { bareMediaType, mediaTypeMatches, sniffMediaType } from '../media/sniff.js';
import type { OpenAiEndpoint, Operation } from '../targets/types.js';
import { capturedExchange } from './exchange.js';
import { parsePythonLiteral } from './python-literal.js';

/** What a captured document is (`validate --part`). */
export const CAPTURED_PARTS = ['input', 'output', 'response', 'stream', 'binding', 'error'] as const;
export type CapturedPart = (typeof CAPTURED_PARTS)[number];

/** The /ai/v1 endpoints a body or stream can come from (`validate --endpoint`). */
export const OPENAI_ENDPOINTS: readonly OpenAiEndpoint[] = ['chat/completions', 'completions', 'embeddings', 'responses'];

/** How a document's bytes are written: JSON, a Python repr (notebook outputs), raw bytes, or an SSE transcript. */
export const DOCUMENT_FORMATS = ['json', 'python-repr', 'binary', 'sse'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** One captured document and what is known about where it came from. */
export interface CapturedDocument {
  part: CapturedPart;
  bytes: Uint8Array;
  /** Required for the /ai/run parts; for /ai/v1 bodies it is read from the body when absent. */
  model?: ModelEntry;
  /** Set for /ai/v1 bodies, streams and errors. */
  endpoint?: OpenAiEndpoint;
  /** Default: JSON, or raw bytes where the model answers bytes, or SSE for `stream`. */
  format?: DocumentFormat;
  /** The Content-Type the answer carried, when known (binary answers). */
  contentType?: string;
  /** The HTTP status of an error body, when known. */
  status?: number;
}

/** A document that cannot be read as what it claims to be (not JSON, no model for a part that needs one). */
export class CapturedDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CapturedDocumentError';
  }
}

/** Where the contract disagrees with a document: one line each (JSON pointer or check first). */
export type Verdict = string[];

/** Judges raw bytes of a binary answer by magic number against the model's documented media type. */
export function validateBinary(model: ModelEntry, bytes: Uint8Array, declared: string | undefined): SchemaError[] {
  const errors: SchemaError[] = [];
  const expected = model.facts.response.contentType;
  const sniffed = sniffMediaType(bytes) ?? 'unrecognised bytes';
  const base = { instancePath: '', schemaPath: '#/contentType', keyword: 'contentType' };
  if (model.facts.response.envelope) {
    errors.push({ ...base, expected: `a JSON v4 envelope (${model.id} answers application/json)`, actual: `${bytes.length} bytes of ${declared ?? sniffed}` });
    return errors;
  }
  if (declared !== undefined && !mediaTypeMatches(expected, declared)) {
    errors.push({ ...base, keyword: 'content-type', expected: `Content-Type ${expected}`, actual: `Content-Type ${bareMediaType(declared)}` });
  }
  if (!mediaTypeMatches(expected, sniffed)) {
    errors.push({ ...base, expected: `${expected} bytes`, actual: `${bytes.length} bytes of ${sniffed}` });
  }
  return errors;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function text(bytes: Uint8Array): string {
  try {
    return utf8.decode(bytes);
  } catch {
    throw new CapturedDocumentError(`${bytes.length} bytes that are not UTF-8 text`);
  }
}

/** The JSON value a JSON or Python-repr document holds. */
export function documentValue(bytes: Uint8Array, format: DocumentFormat): unknown {
  const source = text(bytes);
  try {
    return format === 'python-repr' ? parsePythonLiteral(source) : JSON.parse(source);
  } catch (cause) {
    throw new CapturedDocumentError(`not ${format === 'python-repr' ? 'a Python literal' : 'JSON'}: ${(cause as Error).message}`);
  }
}

/** True when the document is the model's raw bytes rather than JSON. */
function isBinary(doc: CapturedDocument, model: ModelEntry): boolean {
  if (doc.format !== undefined) return doc.format === 'binary';
  if (doc.contentType !== undefined && bareMediaType(doc.contentType) !== 'application/json') return true;
  return !model.facts.response.envelope && sniffMediaType(doc.bytes) !== 'application/json';
}

function needModel(doc: CapturedDocument): ModelEntry {
  if (!doc.model) throw new CapturedDocumentError(`a${doc.part === 'input' || doc.part === 'output' ? 'n' : ''} ${doc.part} ${doc.endpoint ? '' : 'of /ai/run '}needs the model it came from`);
  return doc.model;
}

const schemaLines = (errors: readonly SchemaError[]): Verdict => errors.map(formatSchemaError);
const findingLines = (findings: readonly Finding[]): Verdict => findings.map((f) => `${f.check}: ${f.message}`);

/** The checks that judge an /ai/v1 body or a stream, by endpoint (`run` for /ai/run). */
const BODY_CHECKS: Record<OpenAiEndpoint, CheckId> = {
  'chat/completions': 'openai.chat',
  completions: 'openai.completions',
  embeddings: 'openai.embeddings',
  responses: 'openai.responses',
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
  const checks: CheckId[] = doc.endpoint === 'chat/completions' ? ['stream.framing', 'openai.chat-stream'] : ['stream.framing'];
  return judgeByChecks(contract, doc, checks, 'text/event-stream', transcript, true);
}

function judgeError(contract: Contract, doc: CapturedDocument, value: unknown): Verdict {
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
  if (doc.part === 'stream') return judgeStream(contract, doc);
  if (doc.endpoint && doc.part === 'response') {
    const value = documentValue(doc.bytes, doc.format ?? 'json');
    const bodyModel = typeof value === 'object' && value !== null && typeof (value as { model?: unknown }).model === 'string' ? (value as { model: string }).model : undefined;
    const bytes = doc.format === 'python-repr' ? Buffer.from(JSON.stringify(value)) : doc.bytes;
    return judgeByChecks(contract, doc, [BODY_CHECKS[doc.endpoint]], 'application/json', bytes, false, bodyModel);
  }
  if (doc.part === 'error') return judgeError(contract, doc, documentValue(doc.bytes, doc.format ?? 'json'));
  const model = needModel(doc);
  if (doc.part !== 'input' && isBinary(doc, model)) return schemaLines(validateBinary(model, doc.bytes, doc.contentType));
  const value = documentValue(doc.bytes, doc.format === 'binary' ? 'json' : (doc.format ?? 'json'));
  if (doc.part === 'response') return schemaLines(contract.validateEnvelope(model, value));
  // What env.AI.run returns is the model's output itself, as the envelope's `result` holds it.
  return schemaLines(contract.validateModel(model, doc.part === 'input' ? 'input' : 'output', value));
}
