/** @module The resolved contract: model lookup, facts, and validators compiled once each. */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { ValidateFunction } from 'ajv';
import { createAjv, SPEC_BASE_URI } from './ajv.js';
import { ContractError } from './errors.js';
import { displayPath } from './files.js';
import { isLargerThan, MAX_NODES_FOR_ALL_ERRORS, tooDeep, toSchemaErrors } from './schema-errors.js';
import { inlineRefs } from './dereference.js';
import type { JsonSchema, ModelEntry, SchemaError, TaskEntry, TaskId } from './types.js';

/** A document registered with ajv, and the file it came from (for error messages). */
export interface SchemaDocument {
  file: string;
  doc: Record<string, unknown>;
}

export interface ContractParts {
  dir: string;
  /** Parsed on first use: most commands never need it, and it is the largest file. */
  openapi: () => Record<string, unknown>;
  typesPackage: { name: string; version: string };
  tasks: Map<TaskId, TaskEntry>;
  models: Map<string, ModelEntry>;
  /** Documents registered at once (tasks: everything else refers to them). */
  schemaDocuments: SchemaDocument[];
  /** Documents registered on first use, by URI: registering 100 model documents costs more than a cold start allows. */
  lazyDocuments: Map<string, () => SchemaDocument>;
}

/** The part of a model's contract a document is validated against. */
export type SchemaPart = 'input' | 'output';

/** Names of the envelope schemas in openapi.yaml's components. */
export const ENVELOPE_SCHEMAS = { success: 'Envelope', error: 'ErrorEnvelope' } as const;

/** A loaded contract. Validators are compiled on first use and cached, so start-up stays cheap. */
export class Contract {
  readonly dir: string;
  readonly typesPackage: { name: string; version: string };
  readonly tasks: ReadonlyMap<TaskId, TaskEntry>;
  readonly models: ReadonlyMap<string, ModelEntry>;
  /** Answers "valid?" and stops at the first error: the hot path (most answers are valid). */
  private readonly ajv: Ajv2020;
  /** Collects every error, compiled only for documents that failed: what users read. */
  private readonly ajvAllErrors: Ajv2020;
  private readonly fileOf = new Map<string, string>();
  private readonly validators = new Map<string, ValidateFunction>();
  private readonly allErrorsValidators = new Map<string, ValidateFunction>();
  private readonly lazyDocuments: Map<string, () => SchemaDocument>;
  private readonly documents = new Map<string, Record<string, unknown>>();
  private readonly inlinedSchemas = new Map<string, JsonSchema>();
  private readonly loadOpenapi: () => Record<string, unknown>;
  private openapiDocument: Record<string, unknown> | undefined;

  constructor(parts: ContractParts) {
    this.dir = parts.dir;
    this.loadOpenapi = parts.openapi;
    this.lazyDocuments = new Map(parts.lazyDocuments);
    this.typesPackage = parts.typesPackage;
    this.tasks = parts.tasks;
    this.models = parts.models;
    this.ajv = createAjv({ allErrors: false });
    this.ajvAllErrors = createAjv({ allErrors: true });
    for (const document of parts.schemaDocuments) this.register(document);
  }

  /** The OpenAPI document (parsed on first use). */
  get openapi(): Record<string, unknown> {
    this.openapiDocument ??= this.loadOpenapi();
    return this.openapiDocument;
  }

  private register({ file, doc }: SchemaDocument): void {
    const id = String(doc.$id);
    this.fileOf.set(id, file);
    this.documents.set(id, doc);
    try {
      this.ajv.addSchema(doc, id, undefined, false);
      this.ajvAllErrors.addSchema(doc, id, undefined, false);
    } catch (cause) {
      throw new ContractError(displayPath(file), '', `cannot register schema: ${(cause as Error).message}`, { cause });
    }
  }

  /** The model with this id, or undefined. */
  model(id: string): ModelEntry | undefined {
    return this.models.get(id);
  }

  /** The models of a task, in catalogue order. */
  modelsOfTask(task: TaskId): ModelEntry[] {
    return [...this.models.values()].filter((m) => m.task === task);
  }

  /**
   * The compiled validator for a schema URI (`<document uri>#<pointer>`), compiled once.
   * Throws ContractError naming the file and pointer when the schema does not compile.
   */
  validator(uri: string): ValidateFunction {
    return this.compiled(uri, this.ajv, this.validators);
  }

  private compiled(uri: string, ajv: Ajv2020, cache: Map<string, ValidateFunction>): ValidateFunction {
    let validate = cache.get(uri);
    if (validate) return validate;
    const [base = '', fragment = ''] = uri.split('#');
    this.document(base);
    try {
      validate = ajv.getSchema(uri);
      if (!validate) throw new Error(`no schema at ${uri}`);
    } catch (cause) {
      if (cause instanceof ContractError) throw cause;
      const file = this.fileOf.get(base) ?? base;
      throw new ContractError(displayPath(file), fragment, `schema does not compile: ${(cause as Error).message}`, { cause });
    }
    cache.set(uri, validate);
    return validate;
  }

  /** The document registered (or registrable) under `uri`, for walking schemas. */
  document(uri: string): Record<string, unknown> | undefined {
    const lazy = this.lazyDocuments.get(uri);
    if (lazy) {
      this.lazyDocuments.delete(uri);
      this.register(lazy());
    }
    return this.documents.get(uri);
  }

  /**
   * A model's input or output schema with every `$ref` inlined (cached), for code that walks
   * schemas rather than validating with them: the generators and the emulator's output makers.
   */
  inlinedSchema(model: ModelEntry, part: SchemaPart): JsonSchema {
    const key = this.modelSchemaUri(model, part);
    let schema = this.inlinedSchemas.get(key);
    if (schema === undefined) {
      schema = inlineRefs(model[part], model.schemaUri, (uri) => this.document(uri));
      this.inlinedSchemas.set(key, schema);
    }
    return schema;
  }

  /** URI of a model's input or output schema. */
  modelSchemaUri(model: ModelEntry, part: SchemaPart): string {
    return `${model.schemaUri}#/$defs/${part}`;
  }

  /** URI of an openapi.yaml component schema. */
  componentUri(name: string): string {
    return `${SPEC_BASE_URI}openapi.yaml#/components/schemas/${name}`;
  }

  /** URI of a `$defs` entry of a task document. */
  taskDefUri(task: TaskId, def: string): string {
    return `${SPEC_BASE_URI}tasks/${task}.yaml#/$defs/${def}`;
  }

  /** Validates `data` against a schema URI; returns the errors (empty when valid). */
  validate(uri: string, data: unknown, pointerPrefix = ''): SchemaError[] {
    const fast = this.validator(uri);
    try {
      if (fast(data)) return [];
      // Collecting every error is superlinear in ajv on large documents, and their number unbounded:
      // a huge (or hostile) document is explained by the errors the fail-fast validator stopped at.
      if (isLargerThan(data, MAX_NODES_FOR_ALL_ERRORS)) return toSchemaErrors(fast.errors, data, pointerPrefix);
      const validate = this.compiled(uri, this.ajvAllErrors, this.allErrorsValidators);
      validate(data);
      return toSchemaErrors(validate.errors, data, pointerPrefix);
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      return [tooDeep(pointerPrefix)];
    }
  }

  /** Validates a model input or output. */
  validateModel(model: ModelEntry, part: SchemaPart, data: unknown): SchemaError[] {
    return this.validate(this.modelSchemaUri(model, part), data);
  }

  /**
   * Validates a whole JSON answer of /ai/run: the v4 envelope, then (on success) `result` against
   * the model's output schema, errors pointing into the envelope (`/result/...`).
   */
  validateEnvelope(model: ModelEntry, data: unknown): SchemaError[] {
    const success = typeof data === 'object' && data !== null && (data as { success?: unknown }).success === true;
    const envelopeErrors = this.validate(this.componentUri(success ? ENVELOPE_SCHEMAS.success : ENVELOPE_SCHEMAS.error), data);
    if (!success || typeof data !== 'object' || data === null || !('result' in data)) return envelopeErrors;
    return [...envelopeErrors, ...this.validate(this.modelSchemaUri(model, 'output'), (data as { result: unknown }).result, '/result')];
  }

  /** Compiles every schema the contract has; throws the first ContractError. Returns the number compiled. */
  compileAll(): number {
    let count = 0;
    for (const task of this.tasks.values()) {
      for (const part of ['input', 'output']) {
        this.validator(`${task.schemaUri}#/$defs/${part}`);
        count++;
      }
    }
    for (const model of this.models.values()) {
      this.validator(this.modelSchemaUri(model, 'input'));
      this.validator(this.modelSchemaUri(model, 'output'));
      count += 2;
    }
    for (const name of Object.values(ENVELOPE_SCHEMAS)) {
      this.validator(this.componentUri(name));
      count++;
    }
    return count;
  }
}
