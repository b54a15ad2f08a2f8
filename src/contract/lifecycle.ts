/** @module Reads spec/models/lifecycle.yaml: each catalogue model's status (active, beta, deprecated) and deprecation date. */
import { existsSync } from 'node:fs';
import { ContractError } from './errors.js';
import { displayPath, readDocument } from './files.js';
import type { ModelLifecycle } from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** `YYYY-MM-DD`, the form Cloudflare's notices date a deprecation in. */
const DATE = /^\d{4}-\d{2}-\d{2}$/;

function modelList(value: unknown, file: string, pointer: string): string[] {
  if (!Array.isArray(value) || value.some((id) => typeof id !== 'string')) throw new ContractError(displayPath(file), pointer, 'expected a list of model ids');
  return value as string[];
}

/**
 * The status of every catalogue model the file names, by id. A model it does not name is active; a name the
 * catalogue does not have (a model removed since) is ignored: the repository's own test keeps spec/ free of
 * those. Throws ContractError for a malformed file or a model named twice.
 */
export function readLifecycle(file: string, catalogue: ReadonlySet<string>, read: (file: string) => unknown = readDocument): Map<string, ModelLifecycle> {
  const statuses = new Map<string, ModelLifecycle>();
  const named = new Set<string>();
  if (!existsSync(file)) return statuses;
  const doc = read(file);
  if (!isObject(doc)) throw new ContractError(displayPath(file), '', 'expected {deprecations, beta}');
  const name = (id: string, at: string, lifecycle: ModelLifecycle): void => {
    if (named.has(id)) throw new ContractError(displayPath(file), at, `model "${id}" is named twice`);
    named.add(id);
    if (catalogue.has(id)) statuses.set(id, lifecycle);
  };
  const deprecations = doc.deprecations ?? [];
  if (!Array.isArray(deprecations)) throw new ContractError(displayPath(file), '/deprecations', 'expected a list of announcements');
  deprecations.forEach((entry, i) => {
    const at = `/deprecations/${i}`;
    if (!isObject(entry)) throw new ContractError(displayPath(file), at, 'expected {date, source, models}');
    const date = entry.date ?? null;
    if (date !== null && (typeof date !== 'string' || !DATE.test(date))) throw new ContractError(displayPath(file), `${at}/date`, `expected YYYY-MM-DD or null, found ${JSON.stringify(date)}`);
    if (typeof entry.source !== 'string' || entry.source === '') throw new ContractError(displayPath(file), `${at}/source`, 'expected the source that says so');
    modelList(entry.models, file, `${at}/models`).forEach((id, j) =>
      name(id, `${at}/models/${j}`, date === null ? { status: 'deprecated', source: entry.source as string } : { status: 'deprecated', deprecationDate: date, source: entry.source as string }),
    );
  });
  const beta = doc.beta ?? [];
  if (!Array.isArray(beta)) throw new ContractError(displayPath(file), '/beta', 'expected a list of {source, models}');
  beta.forEach((entry, i) => {
    const at = `/beta/${i}`;
    if (!isObject(entry) || typeof entry.source !== 'string' || entry.source === '') throw new ContractError(displayPath(file), at, 'expected {source, models}');
    modelList(entry.models, file, `${at}/models`).forEach((id, j) => name(id, `${at}/models/${j}`, { status: 'beta', source: entry.source as string }));
  });
  return statuses;
}
