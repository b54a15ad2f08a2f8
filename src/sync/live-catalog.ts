/**
 * @module The synced part of the contract as data: one JSON Schema document per catalogue model in
 * `spec/models/catalog/<file>.json` and an `index.json`, built from what models/search and
 * models/schema answered; reading what is pinned on disk; and comparing two catalogues model by
 * model with JSON pointers.
 */
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Contract } from '../contract/contract.js';
import { ContractError } from '../contract/errors.js';
import { displayPath, readDocument } from '../contract/files.js';
import { escapeToken } from '../contract/json-pointer.js';
import { modelFileName } from '../contract/load.js';
import { dereference } from '../emulator/catalog.js';
import type { CatalogModel } from './catalog-client.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `$id` prefix of every synced document: how sync recognises the files it owns. */
export const CATALOG_ID_PREFIX = 'models/catalog/';
export const INDEX_FILE = 'index.json';
const SCHEMA_DIALECT = 'https://json-schema.org/draft/2020-12/schema';
/**
 * No source and no date: they live in index.json, so a model whose answers did not change keeps
 * byte-identical files whoever synced it and when.
 */
export const SYNCED_COMMENT =
  'Synced by `wai-conformance spec sync` from the Workers AI model catalogue (models/search and models/schema); do not edit. Source and date: index.json.';

/** One model of a synced catalogue, as written to `<file>.json`. */
export interface CatalogDocument {
  $schema: string;
  $id: string;
  title: string;
  $comment: string;
  /** The models/search item, less `name` (the title) and any `schema`; `properties` and `tags` sorted. */
  'x-catalog': Obj;
  $defs: { input: unknown; output: unknown };
}

/** `index.json`: where and when the catalogue was synced, and its models in id order. */
export interface CatalogIndex {
  source: string;
  syncedAt: string;
  models: { id: string; task: string; file: string }[];
}

/** A catalogue ready to write or compare: documents by model id, in id order. */
export interface LiveCatalog {
  source: string;
  documents: Map<string, CatalogDocument>;
}

/** The task id a catalogue task name stands for (`Automatic Speech Recognition` → `automatic-speech-recognition`). */
export function taskIdOf(taskName: string): string {
  return taskName.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
}

/** The file a model's document is written to. */
export function catalogFileName(id: string): string {
  return `${modelFileName(id)}.json`;
}

/** JSON with sorted keys, to order arrays of objects deterministically. */
function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isObject(value)) return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  return JSON.stringify(value) ?? 'null';
}

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The models/search item as kept in `x-catalog`: everything but `name` and `schema`, lists in a stable order. */
function catalogEntry(item: Obj): Obj {
  const entry: Obj = {};
  for (const [key, value] of Object.entries(item)) {
    if (key === 'name' || key === 'schema') continue;
    if (key === 'properties' && Array.isArray(value)) {
      entry[key] = [...value].sort((a, b) => compareStrings(String((a as Obj)?.property_id ?? ''), String((b as Obj)?.property_id ?? '')) || compareStrings(canonical(a), canonical(b)));
    } else if (key === 'tags' && Array.isArray(value)) {
      entry[key] = [...value].sort((a, b) => compareStrings(canonical(a), canonical(b)));
    } else {
      entry[key] = value;
    }
  }
  return entry;
}

/** The document written for one model. */
export function catalogDocument(model: CatalogModel): CatalogDocument {
  return {
    $schema: SCHEMA_DIALECT,
    $id: `${CATALOG_ID_PREFIX}${catalogFileName(model.id)}`,
    title: model.id,
    $comment: SYNCED_COMMENT,
    'x-catalog': catalogEntry(model.item),
    $defs: { input: model.input, output: model.output },
  };
}

/** The fetched catalogue as documents, in model id order. */
export function buildLiveCatalog(source: string, models: readonly CatalogModel[]): LiveCatalog {
  const sorted = [...models].sort((a, b) => compareStrings(a.id, b.id));
  return { source, documents: new Map(sorted.map((m) => [m.id, catalogDocument(m)])) };
}

/** The catalogue task name of a document (`x-catalog.task.name`), or "" when it has none. */
export function taskNameOf(document: CatalogDocument): string {
  const task = document['x-catalog'].task;
  return isObject(task) && typeof task.name === 'string' ? task.name : '';
}

/** Text of a file as sync writes it: two-space JSON and a final newline. */
export function serialize(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}


/** Whether `dir` holds a synced catalogue (an index.json). */
export function hasPinnedCatalog(dir: string): boolean {
  return existsSync(join(dir, INDEX_FILE));
}

/** Reads the catalogue pinned in `dir` (index.json and the files it lists). Throws ContractError naming the file. */
export function readPinnedCatalog(dir: string): { index: CatalogIndex; catalog: LiveCatalog } {
  const indexFile = join(dir, INDEX_FILE);
  const index = readDocument(indexFile);
  if (!isObject(index) || !Array.isArray(index.models)) throw new ContractError(displayPath(indexFile), '/models', 'expected {source, syncedAt, models: [{id, task, file}]}');
  const documents = new Map<string, CatalogDocument>();
  index.models.forEach((entry: unknown, i: number) => {
    if (!isObject(entry) || typeof entry.id !== 'string' || typeof entry.file !== 'string') throw new ContractError(displayPath(indexFile), `/models/${i}`, 'expected {id, task, file}');
    const file = join(dir, entry.file);
    const doc = readDocument(file);
    if (!isObject(doc) || !isObject(doc.$defs) || !isObject(doc['x-catalog'])) throw new ContractError(displayPath(file), '', 'expected a synced model document with x-catalog and $defs');
    documents.set(entry.id, doc as unknown as CatalogDocument);
  });
  return { index: index as unknown as CatalogIndex, catalog: { source: String(index.source ?? ''), documents } };
}

/**
 * What the contract says the catalogue answers, for models not synced yet: each model's catalogue
 * task name and its effective input and output schemas made self-contained exactly as the
 * emulator's models/schema serves them. Only `title`, `x-catalog.task.name` and `$defs` are meaningful.
 */
export function contractCatalog(contract: Contract): LiveCatalog {
  const models: CatalogModel[] = [...contract.models.values()].map((model) => {
    const base = `${model.schemaUri}#`;
    return {
      id: model.id,
      item: { task: { name: contract.tasks.get(model.task)?.name ?? model.task } },
      input: dereference(contract, model.input, base),
      output: dereference(contract, model.output, base),
    };
  });
  return buildLiveCatalog(`the contract in ${displayPath(contract.dir)}`, models);
}

/** The part of a document compared with the contract when nothing is pinned: title, task name, schemas. */
export function contractView(document: CatalogDocument): Obj {
  return { title: document.title, 'x-catalog': { task: { name: taskNameOf(document) } }, $defs: document.$defs };
}

/** What writing a catalogue changed on disk. */
export interface WriteResult {
  /** Model files written because they were new or different. */
  written: string[];
  /** Model files left as they were (same bytes). */
  unchanged: string[];
  /** Synced files removed because their model left the catalogue. */
  removed: string[];
  /** Whether index.json was (re)written. */
  indexWritten: boolean;
}

/** Files in `dir` that a previous sync wrote (their `$id` is under models/catalog/), except index.json. */
function syncedFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((name) => {
    if (!name.endsWith('.json') || name === INDEX_FILE) return false;
    try {
      const doc = JSON.parse(readFileSync(join(dir, name), 'utf8')) as unknown;
      return isObject(doc) && typeof doc.$id === 'string' && doc.$id.startsWith(CATALOG_ID_PREFIX);
    } catch {
      return false; // not ours: leave it alone
    }
  });
}

function readText(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

/**
 * Writes a catalogue into `dir`: one file per model (only where the bytes change), index.json, and
 * removes files of models no longer in the catalogue. index.json is left alone when nothing else
 * changed and the source is the same, so re-syncing an unchanged catalogue changes no byte.
 */
export function writeCatalog(dir: string, catalog: LiveCatalog, now: Date = new Date()): WriteResult {
  mkdirSync(dir, { recursive: true });
  const result: WriteResult = { written: [], unchanged: [], removed: [], indexWritten: false };
  const files = new Set<string>();
  const models: CatalogIndex['models'] = [];
  for (const [id, document] of catalog.documents) {
    const file = catalogFileName(id);
    files.add(file);
    models.push({ id, task: taskIdOf(taskNameOf(document)), file });
    const path = join(dir, file);
    const text = serialize(document);
    if (readText(path) === text) {
      result.unchanged.push(file);
    } else {
      writeFileSync(path, text);
      result.written.push(file);
    }
  }
  for (const file of syncedFiles(dir)) {
    if (files.has(file)) continue;
    rmSync(join(dir, file));
    result.removed.push(file);
  }
  const indexPath = join(dir, INDEX_FILE);
  let previous: unknown;
  try {
    previous = JSON.parse(readText(indexPath) ?? 'null');
  } catch {
    previous = undefined;
  }
  const same = isObject(previous) && previous.source === catalog.source && canonical(previous.models) === canonical(models);
  if (!same || result.written.length > 0 || result.removed.length > 0) {
    const index: CatalogIndex = { source: catalog.source, syncedAt: now.toISOString(), models };
    writeFileSync(indexPath, serialize(index));
    result.indexWritten = true;
  }
  return result;
}

/** One structural difference inside a model's document. */
export interface Difference {
  /** JSON pointer into the model's document (`/$defs/input/properties/seed`). */
  pointer: string;
  kind: 'added' | 'removed' | 'changed';
  /** The pinned value (absent for `added`). */
  pinned?: unknown;
  /** The live value (absent for `removed`). */
  live?: unknown;
}

/** How one model differs between the pinned and the live catalogue. */
export type ModelDifference =
  | { model: string; kind: 'only-live' }
  | { model: string; kind: 'only-pinned' }
  | { model: string; kind: 'changed'; total: number; differences: Difference[] };

/** Arrays whose order carries no meaning in JSON Schema: compared as sets. */
const UNORDERED = new Set(['required', 'type']);

/**
 * Structural differences between two JSON values, as JSON pointers: key order never counts, nor
 * the order of `required` and `type` lists. Returns the total and the first `limit`.
 */
export function diffJson(pinned: unknown, live: unknown, limit = 5): { total: number; differences: Difference[] } {
  const differences: Difference[] = [];
  let total = 0;
  const push = (difference: Difference): void => {
    total++;
    if (differences.length < limit) differences.push(difference);
  };
  const walk = (a: unknown, b: unknown, pointer: string, key: string | undefined): void => {
    if (isObject(a) && isObject(b)) {
      for (const k of Object.keys(a)) {
        const at = `${pointer}/${escapeToken(k)}`;
        if (!(k in b)) push({ pointer: at, kind: 'removed', pinned: a[k] });
        else walk(a[k], b[k], at, k);
      }
      for (const k of Object.keys(b)) if (!(k in a)) push({ pointer: `${pointer}/${escapeToken(k)}`, kind: 'added', live: b[k] });
      return;
    }
    if (Array.isArray(a) && Array.isArray(b)) {
      if (key !== undefined && UNORDERED.has(key) && a.every((v) => typeof v === 'string') && b.every((v) => typeof v === 'string')) {
        if ([...a].sort().join('\u0000') !== [...b].sort().join('\u0000')) push({ pointer, kind: 'changed', pinned: a, live: b });
        return;
      }
      const n = Math.max(a.length, b.length);
      for (let i = 0; i < n; i++) {
        const at = `${pointer}/${i}`;
        if (i >= b.length) push({ pointer: at, kind: 'removed', pinned: a[i] });
        else if (i >= a.length) push({ pointer: at, kind: 'added', live: b[i] });
        else walk(a[i], b[i], at, undefined);
      }
      return;
    }
    if (canonical(a) !== canonical(b)) push({ pointer, kind: 'changed', pinned: a, live: b });
  };
  walk(pinned, live, '', undefined);
  return { total, differences };
}

/**
 * Compares two catalogues model by model: models only on one side, and for models on both, the
 * structural differences of their documents (`$comment` ignored), first `limit` per model.
 * `view` picks the part of each document compared (default: all of it).
 */
export function compareCatalogs(
  pinned: LiveCatalog,
  live: LiveCatalog,
  options: { limit?: number; view?: (document: CatalogDocument) => unknown } = {},
): ModelDifference[] {
  const view = options.view ?? ((document: CatalogDocument) => ({ ...document, $comment: undefined }));
  const ids = [...new Set([...pinned.documents.keys(), ...live.documents.keys()])].sort(compareStrings);
  const result: ModelDifference[] = [];
  for (const model of ids) {
    const a = pinned.documents.get(model);
    const b = live.documents.get(model);
    if (!a) result.push({ model, kind: 'only-live' });
    else if (!b) result.push({ model, kind: 'only-pinned' });
    else {
      const { total, differences } = diffJson(JSON.parse(JSON.stringify(view(a))), JSON.parse(JSON.stringify(view(b))), options.limit ?? 5);
      if (total > 0) result.push({ model, kind: 'changed', total, differences });
    }
  }
  return result;
}

function short(value: unknown, max = 100): string {
  const text = JSON.stringify(value) ?? 'undefined';
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}

/** Lines for people: one per model that differs, then one per difference (pointer, pinned and live values). `names` are short names of the two sides. */
export function formatDifferences(differences: readonly ModelDifference[], names: { pinned: string; live: string }): string[] {
  const lines: string[] = [];
  for (const d of differences) {
    if (d.kind === 'only-live') {
      lines.push(`${d.model}: only in ${names.live}`);
      continue;
    }
    if (d.kind === 'only-pinned') {
      lines.push(`${d.model}: only in ${names.pinned}`);
      continue;
    }
    const shown = d.differences.length < d.total ? ` (first ${d.differences.length} shown)` : '';
    lines.push(`${d.model}: ${d.total} difference${d.total === 1 ? '' : 's'}${shown}`);
    for (const x of d.differences) {
      const where = x.pointer || '/';
      if (x.pointer === '/x-catalog/task/name') lines.push(`  ${where}: task changed from ${short(x.pinned)} to ${short(x.live)}`);
      else if (x.kind === 'added') lines.push(`  ${where}: added ${short(x.live)}`);
      else if (x.kind === 'removed') lines.push(`  ${where}: removed (was ${short(x.pinned)})`);
      else lines.push(`  ${where}: changed from ${short(x.pinned)} to ${short(x.live)}`);
    }
  }
  return lines;
}
