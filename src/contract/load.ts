/** @module Loads spec/ into a resolved Contract: tasks, models with effective schemas and facts. */
import { readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { Contract } from './contract.js';
import { ContractError } from './errors.js';
import { applyPatch, applyPropertyPatch, applySuffixPatch, applyTaskConstraints } from './effective-schema.js';
import { defaultSpecDir, displayPath, readDocument } from './files.js';
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

function readRaw(dir: string): RawSpec {
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

function resolveModels(raw: RawSpec, tasks: Map<TaskId, TaskEntry>): { models: Map<string, ModelEntry>; documents: Map<string, Obj> } {
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
      if (overlay[part] !== undefined) defs[part] = overlay[part];
      // A documented model the types lack and the overlay gives no schema: the task's contract holds.
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
  const lifecycles = readLifecycle(join(raw.dir, 'models', 'lifecycle.yaml'), new Set(models.keys()));
  for (const [id, lifecycle] of lifecycles) models.get(id)!.lifecycle = lifecycle;
  return { models, documents };
}

/** Loads, resolves and registers the contract in `specDir` (default: the package's spec/). Throws ContractError. */
export function loadContract(specDir: string = defaultSpecDir()): Contract {
  const dir = resolve(specDir);
  const raw = readRaw(dir);
  const tasks = resolveTasks(raw);
  const { models, documents } = resolveModels(raw, tasks);
  const taskDocuments = [...raw.tasks].map(([id, { file, doc }]) => ({ file, doc: { ...doc, $id: `${SPEC_BASE_URI}tasks/${id}.yaml` } }));
  const extraFiles = readdirSync(join(dir, 'tasks')).filter((f) => /\.ya?ml$/.test(f) && !TASK_IDS.includes(f.replace(/\.ya?ml$/, '') as TaskId));
  if (extraFiles.length) throw new ContractError(displayPath(join(dir, 'tasks', extraFiles[0]!)), '', `not a known task id (known: ${TASK_IDS.join(', ')})`);
  const openapiFile = join(dir, 'openapi.yaml');
  let openapi: Obj | undefined;
  const readOpenapi = (): Obj => (openapi ??= expectObject(readDocument(openapiFile), openapiFile, '', 'an OpenAPI document'));
  const overlayFile = join(dir, 'models', 'overlay.yaml');
  const lazyDocuments = new Map<string, () => { file: string; doc: Obj }>();
  for (const [uri, doc] of documents) lazyDocuments.set(uri, () => ({ file: overlayFile, doc }));
  lazyDocuments.set(`${SPEC_BASE_URI}openapi.yaml`, () => ({ file: openapiFile, doc: { $id: `${SPEC_BASE_URI}openapi.yaml`, components: readOpenapi().components } }));
  return new Contract({
    dir,
    openapi: readOpenapi,
    typesPackage: { name: raw.generated.package, version: raw.generated.version },
    tasks,
    models,
    schemaDocuments: taskDocuments,
    lazyDocuments,
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
