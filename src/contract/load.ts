/** @module Loads spec/ into a resolved Contract: tasks, models with effective schemas and facts. */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { cacheDir, pruneOld, sourceFiles, writeCacheEntry } from './cache-dir.js';
import { Contract } from './contract.js';
import { ContractError } from './errors.js';
import { applyPatch, applyPropertyPatch, applySuffixPatch, applyTaskConstraints } from './effective-schema.js';
import { defaultSpecDir, displayPath, parseDocument, readContractFile } from './files.js';
import { escapeToken } from './json-pointer.js';
import { readLifecycle } from './lifecycle.js';
import { SPEC_BASE_URI } from './ajv.js';
import { TASK_IDS, type JsonSchema, type ModelEntry, type ModelFacts, type TaskEntry, type TaskId } from './types.js';

/** workers-types' generic task classes name their task; per-model classes do not. */
const GENERIC_CLASS_TASKS: Record<string, TaskId> = {
  BaseAiTextGeneration: 'text-generation',
  BaseAiTextEmbeddings: 'text-embeddings',
  BaseAiTextClassification: 'text-classification',
  BaseAiTextToImage: 'text-to-image',
  BaseAiTextToSpeech: 'text-to-speech',
  BaseAiSpeechRecognition: 'automatic-speech-recognition',
  BaseAiImageClassification: 'image-classification',
  BaseAiObjectDetection: 'object-detection',
  BaseAiTranslation: 'translation',
  BaseAiSummarization: 'summarization',
  BaseAiImageToText: 'image-to-text',
};

const FACT_KEYS = new Set<keyof ModelFacts>([
  'response',
  'streams',
  'outputStyle',
  'embeddingDimension',
  'labels',
  'maxTokens',
  'contextWindow',
  'rawInput',
  'openai',
  'transport',
  'defaultImageSize',
  'limits',
  'batch',
]);

const BASE_FACTS: ModelFacts = {
  response: { contentType: 'application/json', envelope: true },
  streams: false,
  transport: 'http',
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

interface GeneratedIndex {
  package: string;
  version: string;
  models: { id: string; class: string; file: string }[];
}

/** Everything read from disk, before resolution; kept so errors can name files. */
interface RawSpec {
  dir: string;
  tasks: Map<TaskId, { file: string; doc: Obj }>;
  generated: GeneratedIndex;
  generatedDocs: Map<string, Obj>;
  overlay: { tasks: Obj; models: Obj };
}

function expectObject(value: unknown, file: string, pointer: string, what: string): Obj {
  if (!isObject(value)) throw new ContractError(displayPath(file), pointer, `expected ${what} (an object), found ${JSON.stringify(value)?.slice(0, 60)}`);
  return value;
}

/** Reads a contract file once: the digest hashes its bytes and the resolution parses the same text. */
type Reader = (file: string) => unknown;

function readRaw(dir: string, readDocument: Reader): RawSpec {
  const tasks = new Map<TaskId, { file: string; doc: Obj }>();
  for (const id of TASK_IDS) {
    const file = join(dir, 'tasks', `${id}.yaml`);
    const doc = expectObject(readDocument(file), file, '', 'a JSON Schema document');
    const defs = expectObject(doc.$defs, file, '/$defs', '$defs with input and output');
    expectObject(defs.input, file, '/$defs/input', 'the task input schema');
    expectObject(defs.output, file, '/$defs/output', 'the task output schema');
    tasks.set(id, { file, doc });
  }

  const indexFile = join(dir, 'models', 'generated', 'index.json');
  const generated = expectObject(readDocument(indexFile), indexFile, '', 'the generated index') as unknown as GeneratedIndex;
  if (!Array.isArray(generated.models)) throw new ContractError(displayPath(indexFile), '/models', 'expected an array of generated models');
  const generatedDocs = new Map<string, Obj>();
  generated.models.forEach((entry, i) => {
    if (typeof entry?.id !== 'string' || typeof entry.file !== 'string') throw new ContractError(displayPath(indexFile), `/models/${i}`, 'expected {id, class, file}');
    const file = join(dir, 'models', 'generated', entry.file);
    const doc = expectObject(readDocument(file), file, '', 'a generated model schema');
    const defs = expectObject(doc.$defs, file, '/$defs', '$defs with input and output');
    if (!('input' in defs) || !('output' in defs)) throw new ContractError(displayPath(file), '/$defs', 'missing input or output');
    generatedDocs.set(entry.id, doc);
  });

  const overlayFile = join(dir, 'models', 'overlay.yaml');
  const overlayDoc = expectObject(readDocument(overlayFile), overlayFile, '', 'the overlay');
  const overlay = {
    tasks: overlayDoc.tasks === undefined ? {} : expectObject(overlayDoc.tasks, overlayFile, '/tasks', 'task facts'),
    models: expectObject(overlayDoc.models ?? {}, overlayFile, '/models', 'model entries'),
  };
  return { dir, tasks, generated, generatedDocs, overlay };
}

function checkFacts(value: unknown, file: string, pointer: string): Partial<ModelFacts> {
  if (value === undefined) return {};
  const facts = expectObject(value, file, pointer, 'facts');
  for (const key of Object.keys(facts)) {
    if (!FACT_KEYS.has(key as keyof ModelFacts)) throw new ContractError(displayPath(file), `${pointer}/${escapeToken(key)}`, `unknown fact "${key}" (known: ${[...FACT_KEYS].join(', ')})`);
  }
  return facts as Partial<ModelFacts>;
}

function mergeFacts(...layers: Partial<ModelFacts>[]): ModelFacts {
  const facts: ModelFacts = structuredClone(BASE_FACTS);
  for (const layer of layers) {
    for (const [key, value] of Object.entries(layer)) {
      const current = (facts as unknown as Obj)[key];
      (facts as unknown as Obj)[key] = isObject(current) && isObject(value) ? { ...current, ...value } : structuredClone(value);
    }
  }
  return facts;
}

/** File name a model id maps to (`/` → `__`), shared with the generator. */
export function modelFileName(id: string): string {
  return id.replace(/\//g, '__');
}

function resolveTasks(raw: RawSpec): Map<TaskId, TaskEntry> {
  const tasks = new Map<TaskId, TaskEntry>();
  for (const [id, { file, doc }] of raw.tasks) {
    const defs = doc.$defs as Obj;
    if (typeof doc.title !== 'string') throw new ContractError(displayPath(file), '/title', 'expected the catalogue task name as title');
    tasks.set(id, {
      id,
      name: doc.title,
      description: typeof doc.description === 'string' ? doc.description : '',
      input: defs.input as JsonSchema,
      output: defs.output as JsonSchema,
      schemaUri: `${SPEC_BASE_URI}tasks/${id}.yaml`,
    });
  }
  return tasks;
}

function resolveModels(raw: RawSpec, tasks: Map<TaskId, TaskEntry>, readDocument: Reader): { models: Map<string, ModelEntry>; documents: Map<string, Obj> } {
  const overlayFile = join(raw.dir, 'models', 'overlay.yaml');
  const taskFacts = new Map<string, Partial<ModelFacts>>();
  const taskOutputProperties = new Map<string, Record<string, Obj>>();
  const taskInputPatches = new Map<string, Record<string, Obj>>();
  const taskOutputPatches = new Map<string, Record<string, Obj>>();
  for (const [taskId, entry] of Object.entries(raw.overlay.tasks)) {
    const pointer = `/tasks/${escapeToken(taskId)}`;
    if (!tasks.has(taskId as TaskId)) throw new ContractError(displayPath(overlayFile), pointer, `unknown task id "${taskId}"`);
    const taskEntry = expectObject(entry, overlayFile, pointer, 'a task entry');
    taskFacts.set(taskId, checkFacts(taskEntry.facts, overlayFile, `${pointer}/facts`));
    if (taskEntry.outputProperties !== undefined) {
      const properties = expectObject(taskEntry.outputProperties, overlayFile, `${pointer}/outputProperties`, 'property name → keywords');
      for (const [name, keywords] of Object.entries(properties)) expectObject(keywords, overlayFile, `${pointer}/outputProperties/${escapeToken(name)}`, 'keywords');
      taskOutputProperties.set(taskId, properties as Record<string, Obj>);
    }
    for (const [member, into] of [['inputPatches', taskInputPatches], ['outputPatches', taskOutputPatches]] as const) {
      if (taskEntry[member] === undefined) continue;
      const patches = expectObject(taskEntry[member], overlayFile, `${pointer}/${member}`, 'pointer suffix → keywords');
      for (const [suffix, keywords] of Object.entries(patches)) {
        if (!suffix.startsWith('/')) throw new ContractError(displayPath(overlayFile), `${pointer}/${member}/${escapeToken(suffix)}`, 'a pointer suffix starts with "/"');
        expectObject(keywords, overlayFile, `${pointer}/${member}/${escapeToken(suffix)}`, 'keywords');
      }
      into.set(taskId, patches as Record<string, Obj>);
    }
  }

  const ids = [...raw.generated.models.map((m) => m.id), ...Object.keys(raw.overlay.models).filter((id) => !raw.generatedDocs.has(id))];
  const classes = new Map(raw.generated.models.map((m) => [m.id, m.class]));
  const models = new Map<string, ModelEntry>();
  const documents = new Map<string, Obj>();
  // A YAML alias makes one object of several models' schemas or of several places in one (the overlay's catalogue
  // templates), and each model's schema is edited in place below: each takes a copy with every alias expanded, as
  // the parsed-YAML cache (JSON) hands them over, so a patch reaches only the place it names.
  const ownCopy = (schema: unknown): unknown => JSON.parse(JSON.stringify(schema)) as unknown;

  for (const id of ids) {
    const pointer = `/models/${escapeToken(id)}`;
    const overlay = raw.overlay.models[id] === undefined ? {} : expectObject(raw.overlay.models[id], overlayFile, pointer, 'a model entry');
    const generatedDoc = raw.generatedDocs.get(id);
    const typesClass = classes.get(id);
    const task = (overlay.task as TaskId | undefined) ?? (typesClass ? GENERIC_CLASS_TASKS[typesClass] : undefined);
    if (!task) throw new ContractError(displayPath(overlayFile), pointer, `model ${id} (${typesClass ?? 'not in @cloudflare/workers-types'}) has no task: add "task:" to its overlay entry`);
    const taskEntry = tasks.get(task);
    if (!taskEntry) throw new ContractError(displayPath(overlayFile), `${pointer}/task`, `unknown task id "${task}" (known: ${TASK_IDS.join(', ')})`);

    // Generated documents and overlay entries were parsed for this contract alone, so they are
    // edited in place (no copies: copying 100 schemas dominated start-up).
    const defs: Obj = (generatedDoc?.$defs as Obj | undefined) ?? {};
    for (const part of ['input', 'output'] as const) {
      if (overlay[part] !== undefined) defs[part] = ownCopy(overlay[part]);
      // A model the types lack whose overlay entry gives no schema takes its task's. The shipped contract has none
      // (every catalogue model has its documented schemas; test/unit/contract/task-schemas.test.ts), but older
      // contracts did, and `diff` still loads them.
      else if (!(part in defs)) defs[part] = { $ref: `../tasks/${task}.yaml#/$defs/${part}` };
    }
    applyTaskConstraints(defs.input as JsonSchema, taskEntry.input);
    const outputProperties = taskOutputProperties.get(task);
    if (outputProperties) applyPropertyPatch(defs.output as JsonSchema, outputProperties);
    for (const [suffix, keywords] of Object.entries(taskInputPatches.get(task) ?? {})) applySuffixPatch(defs.input as JsonSchema, suffix, keywords);
    for (const [suffix, keywords] of Object.entries(taskOutputPatches.get(task) ?? {})) applySuffixPatch(defs.output as JsonSchema, suffix, keywords);
    if (overlay.patch !== undefined) {
      const patch = expectObject(overlay.patch, overlayFile, `${pointer}/patch`, 'a patch');
      for (const part of ['input', 'output'] as const) {
        if (patch[part] === undefined) continue;
        for (const [target, keywords] of Object.entries(expectObject(patch[part], overlayFile, `${pointer}/patch/${part}`, 'pointer → keywords'))) {
          const at = `${pointer}/patch/${part}/${escapeToken(target)}`;
          try {
            applyPatch(defs[part] as JsonSchema, target, expectObject(keywords, overlayFile, at, 'keywords'));
          } catch (cause) {
            if (cause instanceof ContractError) throw cause;
            throw new ContractError(displayPath(overlayFile), at, (cause as Error).message, { cause });
          }
        }
      }
    }

    // Effective documents live beside the overlay, so the overlay's relative $refs resolve as written.
    const schemaUri = `${SPEC_BASE_URI}models/${modelFileName(id)}.effective.json`;
    documents.set(schemaUri, { $id: schemaUri, $defs: defs });
    const facts = mergeFacts(taskFacts.get(task) ?? {}, checkFacts(overlay.facts, overlayFile, `${pointer}/facts`));
    models.set(id, {
      id,
      task,
      source: generatedDoc ? 'workers-types' : 'overlay',
      ...(typesClass ? { typesClass } : {}),
      facts,
      input: defs.input as JsonSchema,
      output: defs.output as JsonSchema,
      schemaUri,
    });
  }
  const lifecycles = readLifecycle(join(raw.dir, 'models', 'lifecycle.yaml'), new Set(models.keys()), readDocument);
  for (const [id, lifecycle] of lifecycles) models.get(id)!.lifecycle = lifecycle;
  return { models, documents };
}

/** What resolving a contract's files yields, as the resolved-contract cache keeps it (see loadContract). */
interface Resolved {
  tasks: [TaskId, { file: string; doc: Obj }][];
  typesPackage: { name: string; version: string };
  /** Model entries without their schemas (`input` and `output` are the model document's `$defs` entries). */
  models: ModelEntry[];
  documents: [string, Obj][];
}

/** A resolution as read back from its cached text: the model documents are parsed when first asked for. */
interface CachedResolution {
  tasks: [TaskId, { file: string; doc: Obj }][];
  typesPackage: { name: string; version: string };
  models: ModelEntry[];
  /** The model documents' URIs, in order. */
  uris: string[];
  document(uri: string): Obj;
}

/** Bumped when what the resolved-contract cache holds changes shape. */
const RESOLVED_FORMAT = 2;

/** The modules that resolve a contract (this folder). */
const RESOLVER_DIR = dirname(fileURLToPath(import.meta.url));
let resolverSource: string | undefined;
/** The stamps of the resolver's files, taken as they were read for {@link resolverSource}; undefined if one failed. */
let resolverStamps: FileStamp[] | undefined;

/**
 * The source of the resolver's modules, read once a process: part of the resolved-contract cache's key, so a change to
 * how the contract is resolved never reuses what an older resolver made.
 */
function resolverFingerprint(): string {
  if (resolverSource === undefined) {
    const files = sourceFiles(RESOLVER_DIR);
    const stamps: FileStamp[] = [];
    resolverSource = files
      .map((file) => {
        const stamp = stampOf(file);
        if (stamp) stamps.push(stamp);
        return `${relative(RESOLVER_DIR, file)}\0${readFileSync(file, 'utf8')}`;
      })
      .join('\0');
    resolverStamps = stamps.length === files.length ? stamps : undefined;
  }
  return resolverSource;
}

/** One file's stat as the stamp index keeps it: path, size, mtime and ctime (ns), inode. */
type FileStamp = [path: string, size: string, mtimeNs: string, ctimeNs: string, ino: string];

function stampOf(file: string): FileStamp | undefined {
  try {
    const stat = statSync(file, { bigint: true });
    return [file, String(stat.size), String(stat.mtimeNs), String(stat.ctimeNs), String(stat.ino)];
  } catch {
    return undefined;
  }
}

/** A file changed this close (ns) before its stamp was taken may change again within the clock's grain: not trusted. */
const RACY_NS = 2_000_000_000n;

/**
 * The stamp index of `dir`'s contract: the resolved-contract digest of the files it read, with their stamps, so that
 * a process whose files all still stat the same skips reading and hashing them (as git's index skips unchanged files).
 * A stamp taken within RACY_NS of the file's own change time is not trusted (a change in the same clock tick would
 * not show), nor is an index whose files are not all there; then the files are read and hashed as without it.
 */
export function stampIndexFile(folder: string, dir: string): string {
  return join(folder, `stamps-${createHash('sha256').update(`${RESOLVED_FORMAT}\0${RESOLVER_DIR}\0${dir}`).digest('hex').slice(0, 32)}.json`);
}

/** The digest the stamp index `indexFile` records, if every file still stats as stamped (and not racily). Exported for tests. */
export function stampedDigest(indexFile: string, racyNs = RACY_NS): string | undefined {
  try {
    const index = JSON.parse(readFileSync(indexFile, 'utf8')) as { digest?: unknown; writtenNs?: unknown; stamps?: unknown };
    if (typeof index.digest !== 'string' || typeof index.writtenNs !== 'string' || !Array.isArray(index.stamps) || index.stamps.length === 0) return undefined;
    const written = BigInt(index.writtenNs);
    for (const stamp of index.stamps as FileStamp[]) {
      const now = stampOf(stamp[0]);
      if (!now || now.some((field, i) => field !== stamp[i])) return undefined;
      if (BigInt(stamp[2]) > written - racyNs || BigInt(stamp[3]) > written - racyNs) return undefined;
    }
    return index.digest;
  } catch {
    return undefined;
  }
}

function writeStampIndex(indexFile: string, digest: string, stamps: FileStamp[]): void {
  writeCacheEntry(indexFile, JSON.stringify({ digest, writtenNs: String(BigInt(Date.now()) * 1_000_000n), stamps }));
}

function resolveFiles(dir: string, readDocument: Reader): Resolved {
  const raw = readRaw(dir, readDocument);
  const tasks = resolveTasks(raw);
  const { models, documents } = resolveModels(raw, tasks, readDocument);
  return {
    tasks: [...raw.tasks],
    typesPackage: { name: raw.generated.package, version: raw.generated.version },
    models: [...models.values()],
    documents: [...documents],
  };
}

/**
 * A resolution as the cache keeps it: a line of JSON (tasks, the models without their schemas, each model document's
 * URI and byte length), then the documents' JSON one after another. The schemas are the documents' `$defs` entries,
 * stored once; a process parses only the documents it uses (`validate` of one answer: one of a hundred, where parsing
 * the whole 640 KB was a tenth of its start).
 */
function serializeResolved(resolved: Resolved): Buffer {
  const texts = resolved.documents.map(([, doc]) => JSON.stringify(doc));
  const head = JSON.stringify({
    tasks: resolved.tasks,
    typesPackage: resolved.typesPackage,
    models: resolved.models.map((m) => ({ ...m, input: null, output: null })),
    documents: resolved.documents.map(([uri], i) => [uri, Buffer.byteLength(texts[i]!)]),
  });
  return Buffer.from(`${head}\n${texts.join('')}`);
}

/** Reads {@link serializeResolved}'s bytes back; throws on bytes that are not such a resolution. */
function readResolved(bytes: Buffer): CachedResolution {
  const newline = bytes.indexOf(0x0a);
  if (newline < 0) throw new Error('not a cached resolution');
  const head = JSON.parse(bytes.toString('utf8', 0, newline)) as Omit<CachedResolution, 'uris' | 'document'> & { documents: [string, number][] };
  const spans = new Map<string, [number, number]>();
  let at = newline + 1;
  for (const [uri, length] of head.documents) {
    spans.set(uri, [at, at + length]);
    at += length;
  }
  if (at !== bytes.length) throw new Error('a cached resolution of the wrong length');
  const parsed = new Map<string, Obj>();
  return {
    tasks: head.tasks,
    typesPackage: head.typesPackage,
    models: head.models,
    uris: [...spans.keys()],
    document(uri) {
      let doc = parsed.get(uri);
      if (doc === undefined) {
        const [start, end] = spans.get(uri)!;
        parsed.set(uri, (doc = JSON.parse(bytes.toString('utf8', start, end)) as Obj));
      }
      return doc;
    },
  };
}

/**
 * The resolved contract in `dir`, from the per-user cache when these very files were resolved before by this very
 * resolver (`$TMPDIR/wai-conformance-UID/contracts`, or `WAI_CONFORMANCE_CACHE_DIR`; `off` disables it): resolving
 * (parsing 100 model documents, applying the task constraints and the overlay's patches to each) was most of
 * `validate`'s cold start, and reading the result back is a fraction of it (serializeResolved). Keyed by the digest of the
 * resolver's source and of every file read, in order, so any change to spec/ or to the resolver resolves afresh.
 * Returns the digest too: the validator cache is keyed by it (with the OpenAPI document, read on first use).
 */
function resolveCached(dir: string): { resolved: CachedResolution; digest: string } {
  const folder = cacheDir('contracts');
  const indexFile = folder && stampIndexFile(folder, dir);
  const known = indexFile ? stampedDigest(indexFile) : undefined;
  if (folder && known) {
    try {
      return { resolved: readResolved(readFileSync(join(folder, `${known}.json`))), digest: known };
    } catch {
      // the resolution itself is gone (pruned) or unreadable: read, hash and resolve below
    }
  }
  // Bytes, hashed as they are: the text is decoded only when the files are resolved (a cache miss). Each file is
  // stamped before it is read: a change after the stamp shows in the next process's stat.
  const files = new Map<string, Buffer>();
  const stamps: FileStamp[] = [];
  let stamped = true;
  const read = (file: string): Buffer => {
    let bytes = files.get(file);
    if (bytes === undefined) {
      const stamp = stampOf(file);
      if (stamp) stamps.push(stamp);
      else stamped = false;
      files.set(file, (bytes = readContractFile(file)));
    }
    return bytes;
  };
  const readDocument: Reader = (file) => parseDocument(file, read(file).toString('utf8'));
  // The files resolution reads: the tasks, the generated index and the documents it lists, the overlay, the lifecycle.
  const generatedIndex = join(dir, 'models', 'generated', 'index.json');
  let listed: string[] = [];
  try {
    const index = JSON.parse(read(generatedIndex).toString('utf8')) as Partial<GeneratedIndex>;
    if (Array.isArray(index.models)) listed = index.models.map((m) => (typeof m?.file === 'string' ? join(dir, 'models', 'generated', m.file) : ''));
  } catch {
    // a broken index: resolution below reports it
  }
  const hash = createHash('sha256').update(`${RESOLVED_FORMAT}\0${resolverFingerprint()}\0${dir}`);
  try {
    for (const file of [...TASK_IDS.map((id) => join(dir, 'tasks', `${id}.yaml`)), generatedIndex, ...listed, join(dir, 'models', 'overlay.yaml'), join(dir, 'models', 'lifecycle.yaml')]) {
      hash.update(`\0${relative(dir, file)}\0`).update(read(file));
    }
  } catch {
    // An unreadable file: resolution reports it (or, a file it does not need, resolves without it; nothing cached).
    return { resolved: readResolved(serializeResolved(resolveFiles(dir, readDocument))), digest: '' };
  }
  const digest = hash.digest('hex');
  if (indexFile && stamped && resolverStamps) writeStampIndex(indexFile, digest, [...resolverStamps, ...stamps]);
  const cached = folder && join(folder, `${digest}.json`);
  if (cached) {
    try {
      return { resolved: readResolved(readFileSync(cached)), digest };
    } catch {
      // not cached yet (or unreadable, or cut short): resolve below
    }
  }
  // A fresh resolution is read back from this text too, so it gives exactly what a cached one gives.
  const serialized = serializeResolved(resolveFiles(dir, readDocument));
  if (cached) {
    writeCacheEntry(cached, serialized);
    if (folder) pruneOld(folder);
  }
  return { resolved: readResolved(serialized), digest };
}

/** Loads, resolves and registers the contract in `specDir` (default: the package's spec/). Throws ContractError. */
export function loadContract(specDir: string = defaultSpecDir()): Contract {
  const dir = resolve(specDir);
  const { resolved, digest } = resolveCached(dir);
  const models = new Map<string, ModelEntry>();
  for (const model of resolved.models) {
    // The schemas are the model document's, as resolution made them, parsed on first use (in place: the entry keeps
    // its key order).
    lazySchema(model, 'input', () => (resolved.document(model.schemaUri).$defs as Obj).input as JsonSchema);
    lazySchema(model, 'output', () => (resolved.document(model.schemaUri).$defs as Obj).output as JsonSchema);
    models.set(model.id, model);
  }
  const rawTasks = new Map(resolved.tasks);
  const tasks = resolveTasks({ tasks: rawTasks } as RawSpec);
  const taskDocuments = [...rawTasks].map(([id, { file, doc }]) => ({ file, doc: { ...doc, $id: `${SPEC_BASE_URI}tasks/${id}.yaml` } }));
  const extraFiles = readdirSync(join(dir, 'tasks')).filter((f) => /\.ya?ml$/.test(f) && !TASK_IDS.includes(f.replace(/\.ya?ml$/, '') as TaskId));
  if (extraFiles.length) throw new ContractError(displayPath(join(dir, 'tasks', extraFiles[0]!)), '', `not a known task id (known: ${TASK_IDS.join(', ')})`);
  const openapiFile = join(dir, 'openapi.yaml');
  let openapiText: string | undefined;
  const readOpenapiText = (): string => (openapiText ??= readContractFile(openapiFile).toString('utf8'));
  let openapi: Obj | undefined;
  const readOpenapi = (): Obj => (openapi ??= expectObject(parseDocument(openapiFile, readOpenapiText()), openapiFile, '', 'an OpenAPI document'));
  const overlayFile = join(dir, 'models', 'overlay.yaml');
  const lazyDocuments = new Map<string, () => { file: string; doc: Obj }>();
  for (const uri of resolved.uris) lazyDocuments.set(uri, () => ({ file: overlayFile, doc: resolved.document(uri) }));
  lazyDocuments.set(`${SPEC_BASE_URI}openapi.yaml`, () => ({ file: openapiFile, doc: { $id: `${SPEC_BASE_URI}openapi.yaml`, components: readOpenapi().components } }));
  return new Contract({
    dir,
    openapi: readOpenapi,
    typesPackage: resolved.typesPackage,
    tasks,
    models,
    schemaDocuments: taskDocuments,
    lazyDocuments,
    // The validators' cache key: every resolved document is a function of the digested files and resolver, and the
    // OpenAPI document of its text (read here without parsing it).
    ...(digest ? { documentsDigest: () => createHash('sha256').update(digest).update('\0openapi.yaml\0').update(readOpenapiText()).digest('hex') } : {}),
  });
}

/** Makes `model[part]` a property whose first read computes it (and replaces the accessor with the value). */
function lazySchema(model: ModelEntry, part: 'input' | 'output', compute: () => JsonSchema): void {
  const settle = (value: JsonSchema): void => {
    Object.defineProperty(model, part, { value, writable: true, enumerable: true, configurable: true });
  };
  Object.defineProperty(model, part, {
    enumerable: true,
    configurable: true,
    get() {
      const value = compute();
      settle(value);
      return value;
    },
    set: settle,
  });
}

const shared = new Map<string, Contract>();

/**
 * The contract in `specDir` loaded once per thread and shared by the parts of one run (the CLI's
 * plan, the embedded emulator, every suite file): each load costs time and tens of MB. Code that
 * reloads a spec it changes calls loadContract.
 */
export function sharedContract(specDir: string = defaultSpecDir()): Contract {
  const dir = resolve(specDir);
  let contract = shared.get(dir);
  if (!contract) {
    contract = loadContract(dir);
    shared.set(dir, contract);
  }
  return contract;
}
