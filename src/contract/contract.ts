/** @module The resolved contract: model lookup, facts, and validators compiled once each. */
import type { Ajv2020 } from 'ajv/dist/2020.js';
import type { AnyValidateFunction } from 'ajv/dist/types/index.js';
import { createAjv, SPEC_BASE_URI } from './ajv.js';
import { ContractError } from './errors.js';
import { displayPath } from './files.js';
import { getAtPointer } from './json-pointer.js';
import { contractDigest, documentsDigest, ValidatorCache, type Validator } from './validator-cache.js';
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
  /**
   * A digest standing for every document (loadContract's: of the files and the resolver), which keys the disk cache
   * of validators; without it, every document is registered and digested on first use.
   */
  documentsDigest?: () => string;
}

/** The part of a model's contract a document is validated against. */
export type SchemaPart = 'input' | 'output';

/** Names of the envelope schemas in openapi.yaml's components. */
export const ENVELOPE_SCHEMAS = { success: 'Envelope', error: 'ErrorEnvelope' } as const;

/** Keywords ajv does not treat as rules: a schema of `$ref` and these only is followed to its target. */
const NON_RULE_KEYWORDS = new Set(['$ref', 'title', 'description', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly', 'contentMediaType', 'contentEncoding', 'contentSchema', '$defs', 'definitions', '$id', '$schema', '$anchor', '$dynamicAnchor', '$vocabulary']);

/**
 * A loaded contract. Validators are made on first use and cached: in memory, and on disk as
 * standalone code keyed by the contract's digest (validator-cache.ts), so a process whose
 * validators are all cached never loads ajv's compiler.
 */
export class Contract {
  readonly dir: string;
  readonly typesPackage: { name: string; version: string };
  readonly tasks: ReadonlyMap<TaskId, TaskEntry>;
  readonly models: ReadonlyMap<string, ModelEntry>;
  /**
   * Two ajv instances, made on first compile. One collects every error (what users read): a schema's one validator,
   * which answers "valid?" as well (a valid document takes the same path either way). The other stops at the first
   * error, used only for documents too large to explain in full (see {@link validate}). One validator a schema, not
   * two: the compiled code of the largest schemas is most of the run's memory.
   */
  private readonly ajvs = new Map<boolean, Ajv2020>();
  private readonly fileOf = new Map<string, string>();
  private readonly validators = new Map<string, Validator>();
  private readonly firstErrorValidators = new Map<string, Validator>();
  private readonly lazyDocuments: Map<string, () => SchemaDocument>;
  private readonly documents = new Map<string, Record<string, unknown>>();
  private readonly inlinedSchemas = new Map<string, JsonSchema>();
  private readonly schemaUris = new WeakMap<ModelEntry, Record<SchemaPart, string>>();
  private readonly loadOpenapi: () => Record<string, unknown>;
  private openapiDocument: Record<string, unknown> | undefined;
  private diskCache: ValidatorCache | undefined;
  private readonly givenDigest: (() => string) | undefined;
  private digestValue: string | undefined;

  private messagesModelIds: readonly string[] | undefined;
  private partnerModelMap: ReadonlyMap<string, PartnerModel> | undefined;

  constructor(parts: ContractParts) {
    this.givenDigest = parts.documentsDigest;
    this.dir = parts.dir;
    this.loadOpenapi = parts.openapi;
    this.lazyDocuments = new Map(parts.lazyDocuments);
    this.typesPackage = parts.typesPackage;
    this.tasks = parts.tasks;
    this.models = parts.models;
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
    for (const ajv of this.ajvs.values()) this.addToAjv(ajv, id, doc);
  }

  private addToAjv(ajv: Ajv2020, id: string, doc: Record<string, unknown>): void {
    try {
      ajv.addSchema(doc, id, undefined, false);
    } catch (cause) {
      throw new ContractError(displayPath(this.fileOf.get(id) ?? id), '', `cannot register schema: ${(cause as Error).message}`, { cause });
    }
  }

  /** The ajv instance for `allErrors`, made on first use with every document known so far. */
  private ajv(allErrors: boolean): Ajv2020 {
    let ajv = this.ajvs.get(allErrors);
    if (!ajv) {
      ajv = createAjv({ allErrors, source: true });
      for (const [id, doc] of this.documents) this.addToAjv(ajv, id, doc);
      this.ajvs.set(allErrors, ajv);
    }
    return ajv;
  }

  /** The disk cache of this contract's validators: keyed by the digest of every document, so any change to spec/ misses. */
  private cache(): ValidatorCache {
    if (!this.diskCache) {
      const digest = this.digest();
      if (digest !== undefined) this.diskCache = new ValidatorCache(contractDigest(digest));
      else {
        this.registerAll();
        this.diskCache = new ValidatorCache(documentsDigest(this.documents));
      }
    }
    return this.diskCache;
  }

  /** Registers every lazy document: a schema compiles with all of them known, whatever its `$ref`s reach. */
  private registerAll(): void {
    for (const uri of [...this.lazyDocuments.keys()]) this.document(uri);
  }

  /**
   * A digest standing for every document of the contract (loadContract's, of the files and the resolver), for disk caches
   * of what follows from them; undefined for a contract built from parts without one.
   */
  digest(): string | undefined {
    // Computed once: it hashes openapi.yaml's text, and the generators ask for it once per model.
    if (this.digestValue === undefined && this.givenDigest) this.digestValue = this.givenDigest();
    return this.digestValue;
  }

  /** The model with this id, or undefined. */
  model(id: string): ModelEntry | undefined {
    return this.models.get(id);
  }

  /**
   * The models `/ai/v1/messages` (Anthropic's Messages API) serves: openapi.yaml `createMessage`'s `x-wai-models`, the
   * third-party Anthropic models of Cloudflare's model catalogue. They are not Workers AI catalogue models (no /ai/run
   * schemas), so they are not in {@link models}.
   */
  messagesModels(): readonly string[] {
    this.messagesModelIds ??= readMessagesModels(this.openapi);
    return this.messagesModelIds;
  }

  /**
   * The partner models of the unified catalogue that `POST /ai/run` (model in the body) serves: openapi.yaml
   * `runPartnerModel`'s `x-wai-models`. They are not Workers AI catalogue models, so they are not in {@link models}.
   */
  partnerModels(): ReadonlyMap<string, PartnerModel> {
    this.partnerModelMap ??= readPartnerModels(this.openapi);
    return this.partnerModelMap;
  }

  /** The partner model with this id, or undefined. */
  partnerModel(id: string): PartnerModel | undefined {
    return this.partnerModels().get(id);
  }

  /** The models of a task, in catalogue order. */
  modelsOfTask(task: TaskId): ModelEntry[] {
    return [...this.models.values()].filter((m) => m.task === task);
  }

  /**
   * The compiled validator for a schema URI (`<document uri>#<pointer>`), compiled once: it collects every error of
   * a document (in `errors`). Throws ContractError naming the file and pointer when the schema does not compile.
   */
  validator(uri: string): Validator {
    return this.compiled(uri, true, this.validators);
  }

  private compiled(uri: string, allErrors: boolean, cache: Map<string, Validator>): Validator {
    let validate = cache.get(uri);
    if (validate) return validate;
    const [base = '', fragment = ''] = uri.split('#');
    validate = this.cache().load(uri, allErrors);
    if (!validate) {
      this.registerAll();
      const ajv = this.ajv(allErrors);
      let compiled: AnyValidateFunction | undefined;
      try {
        compiled = ajv.getSchema(uri);
        if (!compiled) throw new Error(`no schema at ${uri}`);
      } catch (cause) {
        if (cause instanceof ContractError) throw cause;
        const file = this.fileOf.get(base) ?? base;
        throw new ContractError(displayPath(file), fragment, `schema does not compile: ${(cause as Error).message}`, { cause });
      }
      this.cache().store(uri, allErrors, ajv, compiled);
      validate = compiled as Validator;
    }
    cache.set(uri, validate);
    return validate;
  }

  /**
   * The schema at a URI (`<document uri>#<pointer>`), as ajv resolves it: a schema that is only a
   * `$ref` (and annotations) stands for its target. Undefined when nothing is there.
   */
  schemaAt(uri: string, hops = 0): JsonSchema | undefined {
    const hash = uri.indexOf('#');
    const base = hash < 0 ? uri : uri.slice(0, hash);
    const fragment = hash < 0 ? '' : decodeURIComponent(uri.slice(hash + 1));
    const doc = this.document(base);
    if (!doc || (fragment !== '' && !fragment.startsWith('/'))) return undefined;
    const schema = getAtPointer(doc, fragment) as JsonSchema | undefined;
    if (typeof schema !== 'object' || schema === null || Array.isArray(schema)) return typeof schema === 'boolean' ? schema : undefined;
    const ref = (schema as { $ref?: unknown }).$ref;
    if (typeof ref === 'string' && hops < 32 && Object.keys(schema).every((k) => NON_RULE_KEYWORDS.has(k))) return this.schemaAt(new URL(ref, base).href, hops + 1);
    return schema;
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

  /**
   * URI of a model's input or output schema: the same string each time, so that its hash, computed once, keys the
   * validator maps (a new string per call was hashed on every validation: a tenth of the emulator's model work).
   */
  modelSchemaUri(model: ModelEntry, part: SchemaPart): string {
    let uris = this.schemaUris.get(model);
    if (uris === undefined) this.schemaUris.set(model, (uris = { input: `${model.schemaUri}#/$defs/input`, output: `${model.schemaUri}#/$defs/output` }));
    return uris[part];
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
    try {
      // Collecting every error is superlinear in ajv on large documents, and their number unbounded:
      // a huge (or hostile) document is explained by the errors the fail-fast validator stops at.
      const validate = isLargerThan(data, MAX_NODES_FOR_ALL_ERRORS) ? this.compiled(uri, false, this.firstErrorValidators) : this.validator(uri);
      return validate(data) ? [] : toSchemaErrors(validate.errors, data, pointerPrefix);
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

/** The path whose operation lists the Messages models. */
export const MESSAGES_PATH = '/accounts/{account_id}/ai/v1/messages';

function readMessagesModels(openapi: Record<string, unknown>): readonly string[] {
  const paths = openapi.paths as Record<string, { post?: Record<string, unknown> }> | undefined;
  const listed = paths?.[MESSAGES_PATH]?.post?.['x-wai-models'];
  return Array.isArray(listed) ? listed.filter((id): id is string => typeof id === 'string') : [];
}

/** The path of the unified catalogue's `/ai/run` (model in the body), whose operation lists the partner models. */
export const PARTNER_RUN_PATH = '/accounts/{account_id}/ai/run';

/** A partner (third-party) model of the unified catalogue, served by `POST /ai/run` with `{model, input}`. */
export interface PartnerModel {
  id: string;
  /** The Workers AI task id where the catalogue's task is one (null for tasks Workers AI lacks, such as Text-to-Video). */
  task: TaskId | null;
  /** The task as the unified catalogue names it. */
  catalogueTask: string;
  /** openapi.yaml component schemas of its `input` and of its `result`. */
  input: string;
  output: string;
  /** The catalogue entry its schemas were copied from. */
  source: string;
}

function readPartnerModels(openapi: Record<string, unknown>): ReadonlyMap<string, PartnerModel> {
  const paths = openapi.paths as Record<string, { post?: Record<string, unknown> }> | undefined;
  const listed = paths?.[PARTNER_RUN_PATH]?.post?.['x-wai-models'];
  const models = new Map<string, PartnerModel>();
  if (typeof listed !== 'object' || listed === null) return models;
  for (const [id, raw] of Object.entries(listed as Record<string, Record<string, unknown>>)) {
    if (typeof raw?.input !== 'string' || typeof raw.output !== 'string') throw new ContractError('openapi.yaml', `/paths/${PARTNER_RUN_PATH.replace(/\//g, '~1')}/post/x-wai-models/${id}`, 'a partner model needs its input and output component names');
    models.set(id, { id, task: (raw.task ?? null) as TaskId | null, catalogueTask: String(raw.catalogueTask ?? raw.task ?? ''), input: raw.input, output: raw.output, source: String(raw.source ?? '') });
  }
  return models;
}
