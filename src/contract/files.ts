/** @module Reading the contract's YAML and JSON files, with errors that name the file. */
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { YAMLParseError } from 'yaml';
import { cacheDir, writeCacheEntry } from './cache-dir.js';
import { ContractError } from './errors.js';

const require = createRequire(import.meta.url);

/** A path as shown to users: relative to the working directory when that is shorter. */
export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel && !rel.startsWith('..') && rel.length < file.length ? rel : file;
}

/** The bytes of one file of the contract; ContractError (naming the file) when it cannot be read. */
export function readContractFile(file: string): Buffer {
  try {
    return readFileSync(file);
  } catch (cause) {
    throw new ContractError(displayPath(file), '', `cannot read file (${(cause as Error).message})`, { cause });
  }
}

/** Reads and parses one YAML or JSON file of the contract. */
export function readDocument(file: string): unknown {
  return parseDocument(file, readContractFile(file).toString('utf8'));
}

/** Parses the text of one YAML or JSON file of the contract (`file` decides which, and names it in errors). */
export function parseDocument(file: string, text: string): unknown {
  try {
    if (file.endsWith('.json')) return JSON.parse(text);
    return parseYamlCached(text);
  } catch (cause) {
    const where = (cause as Error).name === 'YAMLParseError' ? ` at line ${(cause as YAMLParseError).linePos?.[0]?.line}` : '';
    throw new ContractError(displayPath(file), '', `not valid ${file.endsWith('.json') ? 'JSON' : 'YAML'}${where}: ${(cause as Error).message.split('\n')[0]}`, { cause });
  }
}

/**
 * Parses YAML through a cache of JSON copies keyed by the text's hash: parsing the contract's YAML
 * took most of `validate`'s cold start, and JSON.parse of the same data is ten times faster.
 * The cache is best-effort: any failure to read or write it falls back to parsing.
 */
function parseYamlCached(text: string): unknown {
  const dir = cacheDir('yaml');
  const key = createHash('sha1').update(text).digest('hex');
  const cached = dir && join(dir, `${key}.json`);
  if (cached) {
    try {
      return JSON.parse(readFileSync(cached, 'utf8'));
    } catch {
      // not cached yet (or unreadable): parse below
    }
  }
  // The YAML parser is loaded only on a cache miss: a cached start never pays for loading it.
  const { parse: parseYaml } = require('yaml') as typeof import('yaml');
  const value: unknown = parseYaml(text, { prettyErrors: true, uniqueKeys: true });
  if (!cached) return value;
  writeCacheEntry(cached, JSON.stringify(value));
  return value;
}

/** The project root: the nearest folder above this module with our package.json. */
export function packageRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && readFileSync(manifest, 'utf8').includes('"name": "workers-ai-conformance"')) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('cannot find the workers-ai-conformance package root');
    dir = parent;
  }
}

/** The contract shipped with the package. */
export function defaultSpecDir(): string {
  return resolve(packageRoot(), 'spec');
}
