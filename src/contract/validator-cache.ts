/** @module Compiled validators kept on disk as ajv standalone code, keyed by the contract's digest: each schema compiles once per contract, not once per process. */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AnyValidateFunction } from 'ajv/dist/types/index.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv } from './ajv.js';
import { cacheDir, pruneOld, writeCacheEntry } from './cache-dir.js';

/** A compiled validator: ajv's own, or one loaded from standalone code (no `schema` property then). */
export type Validator = ((data: unknown) => boolean) & { errors?: AnyValidateFunction['errors'] };

/** Bumped when the way entries are written changes, so old entries are never read. */
const FORMAT = 3;

/** The standalone code requires ajv's runtime helpers and ajv-formats' formats, resolved from here. */
const require = createRequire(import.meta.url);

/**
 * What a compiled validator depends on besides its schemas: the ajv version, the project's ajv
 * configuration and how its code is compacted (their source text, so editing either invalidates every entry).
 */
function compilerFingerprint(): string {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const formatsVersion = (require('ajv-formats/package.json') as { version: string }).version;
  return `${FORMAT}\0${ajvVersion}\0${formatsVersion}\0${createAjv.toString()}\0${compactErrors.toString()}\0${ERROR_STATEMENT.source}\0${PUSH_ERROR}`;
}

/** The digest of a set of schema documents, as ajv will compile them (every document, in id order). */
export function documentsDigest(documents: Iterable<readonly [string, unknown]>): string {
  const hash = createHash('sha256').update(compilerFingerprint());
  for (const [id, doc] of [...documents].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) hash.update(`\0${id}\0`).update(JSON.stringify(doc));
  return hash.digest('hex');
}

/** The digest of a contract known by a digest of its own (of its files and resolver, see loadContract). */
export function contractDigest(contract: string): string {
  return createHash('sha256').update(compilerFingerprint()).update('\0contract\0').update(contract).digest('hex');
}

/**
 * Validators loaded from the disk cache in this process, by entry file. Entries are named by the digest of what
 * compiled them, so an entry's code never changes and one loaded function serves every caller: a validator keeps no
 * state between calls but `errors`, which callers read right after their own call. Held weakly: one no cache keeps
 * any more can be collected.
 */
const loadedEntries = new Map<string, WeakRef<Validator>>();

/**
 * The same validators by the digest of their code ({@link contentDigest}): many schemas are the same schema (models
 * sharing a task's input, a contract's schema compiled again as a coverage branch), and each would otherwise keep its
 * own copy of the same code, the largest part of a run's memory.
 */
const loadedContents = new Map<string, WeakRef<Validator>>();

/** The first line of an entry: the digest of its code, so a process loads each code once whichever entries hold it. */
const CONTENT_MARK = '/*wai-content:';
const DIGEST_LENGTH = 64;

/**
 * Names ajv gives the module-scope values of standalone code (its ValueScope prefixes: the schemas, the validators, patterns,
 * formats, runtime helpers). ajv numbers them per instance (`validate69`, `schema65`), so one schema compiled after
 * others in the same instance gets other numbers for the same code.
 */
const SCOPE_NAME = /^(?:schema|validate|pattern|formats|func|wrapper|root|keyword|Error|parse|serialize)\d+$/;

const isIdentifierStart = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || c === 95 || c === 36;
const isIdentifierPart = (c: number): boolean => isIdentifierStart(c) || (c >= 48 && c <= 57);

/**
 * The digest of ajv standalone code with its module-scope names numbered in order of first appearance: two codes
 * have one digest only when they are the same code up to those names, i.e. the same validator. Names are read as
 * identifiers outside string literals (ajv writes strings as JSON) and not after a `.` (a property of the data).
 */
export function contentDigest(code: string): string {
  const names = new Map<string, string>();
  const hash = createHash('sha256');
  let last = 0;
  let i = 0;
  while (i < code.length) {
    const c = code.charCodeAt(i);
    if (c === 34 || c === 39 || c === 96) {
      // a string literal: skipped to its closing quote, escapes included
      i++;
      while (i < code.length && code.charCodeAt(i) !== c) i += code.charCodeAt(i) === 92 ? 2 : 1;
      i++;
    } else if (isIdentifierStart(c)) {
      const start = i++;
      while (i < code.length && isIdentifierPart(code.charCodeAt(i))) i++;
      const word = code.slice(start, i);
      if (code.charCodeAt(start - 1) !== 46 && SCOPE_NAME.test(word)) {
        let name = names.get(word);
        if (name === undefined) names.set(word, (name = `${word.replace(/\d+$/, '')}#${names.size}`));
        hash.update(code.slice(last, start)).update(name);
        last = i;
      }
    } else i++;
  }
  return hash.update(code.slice(last)).digest('hex');
}

/**
 * The statement ajv writes for every error a validator collects (all-errors mode, and inside `anyOf`/`oneOf` in
 * fail-fast mode): an error object, then its push onto the list. Three quarters of a large validator's code.
 */
const ERROR_STATEMENT =
  /const (err\d+) = \{instancePath(?::((?:[^"{}]|"(?:[^"\\]|\\.)*")*?))?,schemaPath:("(?:[^"\\]|\\.)*"),keyword:("(?:[^"\\]|\\.)*"),params:(\{(?:[^"{}]|"(?:[^"\\]|\\.)*"|\{[^{}]*\})*\}),message:("(?:[^"\\]|\\.)*"|[^{}]*?)\};if\(vErrors === null\)\{vErrors = \[\1\];\}else \{vErrors\.push\(\1\);\}errors\+\+;/g;

/** What each compacted statement calls: the same object (same properties, same order), pushed the same way. */
const PUSH_ERROR = 'function wai$pushError(list,instancePath,schemaPath,keyword,params,message){const error = {instancePath,schemaPath,keyword,params,message};if(list === null){return [error];}list.push(error);return list;}';

/**
 * ajv standalone code with each error statement written as one call of a shared function: the same errors, in the
 * same order (the call's arguments are the object's values, evaluated in the same order), from a quarter less code
 * to keep as source and bytecode. A statement of another shape is left as written.
 */
export function compactErrors(code: string): string {
  const compacted = code.replace(ERROR_STATEMENT, (_, _name: string, instancePath: string | undefined, schemaPath: string, keyword: string, params: string, message: string) => `vErrors = wai$pushError(vErrors,${instancePath ?? 'instancePath'},${schemaPath},${keyword},${params},${message});errors++;`);
  if (compacted === code) return code;
  const strict = '"use strict";';
  return compacted.startsWith(strict) ? `${strict}${PUSH_ERROR}${compacted.slice(strict.length)}` : `${PUSH_ERROR}${compacted}`;
}

/**
 * A disk cache of standalone validator code for one contract digest. Every failure (no cache
 * folder, unreadable or broken entry, full disk) only falls back to compiling.
 */
export class ValidatorCache {
  private readonly dir: string | undefined;

  constructor(private readonly digest: string) {
    this.dir = cacheDir('validators');
  }

  private file(uri: string, allErrors: boolean): string | undefined {
    if (!this.dir) return undefined;
    const key = createHash('sha256').update(`${this.digest}\0${allErrors ? 'all' : 'first'}\0${uri}`).digest('hex');
    return join(this.dir, `${key}.cjs`);
  }

  /** The cached validator for `uri`, or undefined. */
  load(uri: string, allErrors: boolean): Validator | undefined {
    const file = this.file(uri, allErrors);
    if (!file) return undefined;
    // One entry, one function per process: the same schema (a branch shared by many models' inlined schemas, a
    // contract loaded twice) would otherwise compile and keep another copy of the same code each time.
    const loaded = loadedEntries.get(file)?.deref();
    if (loaded) return loaded;
    const validate = this.read(file);
    if (validate) loadedEntries.set(file, new WeakRef(validate));
    return validate;
  }

  private read(file: string): Validator | undefined {
    let bytes: Buffer;
    try {
      bytes = readFileSync(file);
    } catch {
      return undefined;
    }
    if (bytes.toString('latin1', 0, CONTENT_MARK.length) !== CONTENT_MARK) return undefined;
    // Decoded on its own (a slice of the code would keep the whole code alive as the map's key).
    const digest = bytes.toString('latin1', CONTENT_MARK.length, CONTENT_MARK.length + DIGEST_LENGTH);
    const same = loadedContents.get(digest)?.deref();
    if (same) return same;
    const validate = this.evaluate(bytes.toString('utf8'));
    if (validate) loadedContents.set(digest, new WeakRef(validate));
    return validate;
  }

  private evaluate(code: string): Validator | undefined {
    try {
      const module = { exports: {} as { default?: Validator } };
      new Function('require', 'module', 'exports', code)(require, module, module.exports);
      return typeof module.exports.default === 'function' ? module.exports.default : undefined;
    } catch {
      return undefined;
    }
  }

  /** Writes the standalone code of a validator `ajv` compiled (ajv created with `source: true`). */
  store(uri: string, allErrors: boolean, ajv: Ajv2020, validate: AnyValidateFunction): void {
    const file = this.file(uri, allErrors);
    if (!file) return;
    try {
      const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
      const code = compactErrors(standaloneCode(ajv, validate));
      writeCacheEntry(file, `${CONTENT_MARK}${contentDigest(code)}*/\n${code}`);
    } catch {
      // a schema ajv cannot write as standalone code: compiled each time
    }
    if (this.dir) pruneOld(this.dir);
  }
}

/**
 * The validator of one self-contained schema (no `$ref` to another document), from the disk cache
 * when this schema was compiled before under the same compiler, else compiled by `ajv` (created with
 * `source: true`) and stored. Keyed by the schema's own digest, so it needs no contract. `flavour` names
 * an ajv configuration other than createAjv's (its options, as text), so the two never share an entry.
 */
export function selfContainedValidator(schema: object, allErrors: boolean, ajv: () => Ajv2020, flavour = ''): Validator {
  const cache = new ValidatorCache(documentsDigest([['self-contained', schema], ...(flavour ? [['flavour', flavour] as const] : [])]));
  const cached = cache.load('self-contained', allErrors);
  if (cached) return cached;
  const compiler = ajv();
  const compiled = compiler.compile(schema);
  cache.store('self-contained', allErrors, compiler, compiled);
  return compiled as Validator;
}
