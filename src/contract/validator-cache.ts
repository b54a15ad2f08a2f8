/** @module Compiled validators kept on disk as ajv standalone code, keyed by the contract's digest: each schema compiles once per contract, not once per process. */
import { createHash } from 'node:crypto';
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { AnyValidateFunction } from 'ajv/dist/types/index.js';
import type { Ajv2020 } from 'ajv/dist/2020.js';
import { createAjv } from './ajv.js';
import { cacheDir } from './cache-dir.js';

/** A compiled validator: ajv's own, or one loaded from standalone code (no `schema` property then). */
export type Validator = ((data: unknown) => boolean) & { errors?: AnyValidateFunction['errors'] };

/** Bumped when the way entries are written changes, so old entries are never read. */
const FORMAT = 1;

/** The standalone code requires ajv's runtime helpers and ajv-formats' formats, resolved from here. */
const require = createRequire(import.meta.url);

/**
 * What a compiled validator depends on besides its schemas: the ajv version and the project's ajv
 * configuration (its source text, so editing createAjv invalidates every entry).
 */
function compilerFingerprint(): string {
  const ajvVersion = (require('ajv/package.json') as { version: string }).version;
  const formatsVersion = (require('ajv-formats/package.json') as { version: string }).version;
  return `${FORMAT}\0${ajvVersion}\0${formatsVersion}\0${createAjv.toString()}`;
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
    let code: string;
    try {
      code = readFileSync(file, 'utf8');
    } catch {
      return undefined;
    }
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
      const temporary = `${file}.${process.pid}.tmp`;
      writeFileSync(temporary, standaloneCode(ajv, validate));
      renameSync(temporary, file); // atomic: concurrent processes never read half an entry
    } catch {
      // a schema ajv cannot write as standalone code, or an unwritable folder: compiled each time
    }
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
