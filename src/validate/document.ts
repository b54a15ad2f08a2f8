/**
 * @module Captured documents judged by the contract's schemas alone: a request input, a model output, a whole /ai/run
 * answer (the v4 envelope), or what the binding returned. The parts the run's checks judge (streams, /ai/v1 bodies,
 * error bodies) are in captured.ts, which delegates these parts here; `validate` loads the checks only for those
 * parts, so judging a plain answer starts without them.
 */
import type { Contract, PartnerModel } from '../contract/contract.js';
import { formatSchemaError } from '../contract/schema-errors.js';
import type { ModelEntry, SchemaError } from '../contract/types.js';
import { bareMediaType, mediaTypeMatches, sniffMediaType } from '../media/sniff.js';
import type { OpenAiEndpoint } from '../targets/types.js';
import { parsePythonLiteral } from './python-literal.js';

/** What a captured document is (`validate --part`). */
export const CAPTURED_PARTS = ['input', 'output', 'response', 'stream', 'binding', 'error'] as const;
export type CapturedPart = (typeof CAPTURED_PARTS)[number];

/** The /ai/v1 endpoints a body or stream can come from (`validate --endpoint`). */
export const OPENAI_ENDPOINTS: readonly OpenAiEndpoint[] = ['chat/completions', 'completions', 'embeddings', 'responses', 'messages'];

/** How a document's bytes are written: JSON, a Python repr (notebook outputs), raw bytes, or an SSE transcript. */
export const DOCUMENT_FORMATS = ['json', 'python-repr', 'binary', 'sse'] as const;
export type DocumentFormat = (typeof DOCUMENT_FORMATS)[number];

/** One captured document and what is known about where it came from. */
export interface CapturedDocument {
  part: CapturedPart;
  bytes: Uint8Array;
  /** Required for the /ai/run parts; for /ai/v1 bodies it is read from the body when absent. */
  model?: ModelEntry;
  /** A partner model of the unified catalogue (`POST /ai/run` with `{model, input}`), in place of `model`. */
  partner?: PartnerModel;
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

/** True for a document judged by the schemas alone (no check): an /ai/run input, output, answer or binding result. */
export function isSchemaPart(doc: Pick<CapturedDocument, 'part' | 'endpoint' | 'partner'>): boolean {
  if (doc.partner) return doc.part !== 'stream';
  return !doc.endpoint && (doc.part === 'input' || doc.part === 'output' || doc.part === 'response' || doc.part === 'binding');
}

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

export function needModel(doc: CapturedDocument): ModelEntry {
  if (!doc.model) throw new CapturedDocumentError(`a${doc.part === 'input' || doc.part === 'output' ? 'n' : ''} ${doc.part} ${doc.endpoint ? '' : 'of /ai/run '}needs the model it came from`);
  return doc.model;
}

export const schemaLines = (errors: readonly SchemaError[]): Verdict => errors.map(formatSchemaError);

/**
 * Judges a document `isSchemaPart` accepts: by the model's schemas (the envelope's too for a whole answer), or by
 * magic number when it is the model's raw bytes. Throws CapturedDocumentError as judgeCaptured does.
 */
export function judgeBySchemas(contract: Contract, doc: CapturedDocument): Verdict {
  if (doc.partner) return judgePartner(contract, doc.partner, doc);
  const model = needModel(doc);
  if (doc.part !== 'input' && isBinary(doc, model)) return schemaLines(validateBinary(model, doc.bytes, doc.contentType));
  const value = documentValue(doc.bytes, doc.format === 'binary' ? 'json' : (doc.format ?? 'json'));
  if (doc.part === 'response') return schemaLines(contract.validateEnvelope(model, value));
  // What env.AI.run returns is the model's output itself, as the envelope's `result` holds it.
  return schemaLines(contract.validateModel(model, doc.part === 'input' ? 'input' : 'output', value));
}

const isFailed = (value: unknown): boolean => typeof value === 'object' && value !== null && 'state' in value && (value as { state: unknown }).state === 'Failed';

/**
 * A partner model's document (spec/openapi.yaml `runPartnerModel`): its input or output by the model's schemas; a
 * whole answer (or what env.AI.run returned, the same object) as `PartnerRunAnswer` with `result` by the model's
 * output schema, or as `PartnerRunFailure` when its state is Failed; an error body as `PartnerRunFailure`, or the v4
 * error envelope (the same refusal relayed as code 7003).
 */
export function judgePartner(contract: Contract, partner: PartnerModel, doc: CapturedDocument): Verdict {
  const value = documentValue(doc.bytes, doc.format === 'binary' ? 'json' : (doc.format ?? 'json'));
  if (doc.part === 'input' || doc.part === 'output') return schemaLines(contract.validate(contract.componentUri(doc.part === 'input' ? partner.input : partner.output), value));
  if (doc.part === 'error') {
    if (isFailed(value) || !(typeof value === 'object' && value !== null && 'errors' in value)) return schemaLines(contract.validate(contract.componentUri('PartnerRunFailure'), value));
    return schemaLines(contract.validate(contract.componentUri('ErrorEnvelope'), value));
  }
  if (isFailed(value)) return schemaLines(contract.validate(contract.componentUri('PartnerRunFailure'), value));
  const errors = contract.validate(contract.componentUri('PartnerRunAnswer'), value);
  if (typeof value === 'object' && value !== null && 'result' in value) errors.push(...contract.validate(contract.componentUri(partner.output), (value as { result: unknown }).result, '/result'));
  return schemaLines(errors);
}
