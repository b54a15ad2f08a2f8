import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/contract/ajv.js';
import { CACHE_DIR_VARIABLE, CACHE_ENTRY_DAYS } from '../../../src/contract/cache-dir.js';
import { defaultSpecDir } from '../../../src/contract/files.js';
import { loadContract, stampedDigest, stampIndexFile } from '../../../src/contract/load.js';
import { compactErrors, contentDigest, selfContainedValidator } from '../../../src/contract/validator-cache.js';

const dirs: string[] = [];
const temporary = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const MODEL = '@cf/meta/llama-3.1-8b-instruct';

describe('validators cached as standalone code', () => {
  const saved = process.env[CACHE_DIR_VARIABLE];
  let cache: string;
  beforeEach(() => {
    cache = temporary('wai-cache-');
    process.env[CACHE_DIR_VARIABLE] = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[CACHE_DIR_VARIABLE];
    else process.env[CACHE_DIR_VARIABLE] = saved;
  });

  it('writes each compiled validator once and a later contract loads it instead of compiling', () => {
    const first = loadContract();
    const model = first.model(MODEL)!;
    const uri = first.modelSchemaUri(model, 'input');
    expect(first.validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 }).map((e) => e.instancePath)).toContain('/max_tokens');
    expect('schema' in first.validator(uri)).toBe(true); // compiled by ajv here
    const entries = readdirSync(join(cache, 'validators'));
    expect(entries.length).toBe(1); // one validator a schema: the one that collects every error also answers "valid?"

    const second = loadContract();
    const cached = second.validator(uri);
    expect('schema' in cached).toBe(false); // loaded from standalone code, not compiled
    expect(cached({ prompt: 'hi' })).toBe(true);
    expect(cached({ prompt: 'hi', max_tokens: 0 })).toBe(false);
    const errors = second.validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 });
    expect(errors).toEqual(first.validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 }));
    expect(readdirSync(join(cache, 'validators'))).toEqual(entries);
  });

  it('keeps a self-contained schema (a coverage branch) by its own digest: compiled once, loaded after, an edit misses', () => {
    let compiles = 0;
    const ajv = () => {
      compiles++;
      return createAjv({ allErrors: false, source: true });
    };
    const branch = { type: 'object', properties: { n: { type: 'integer', minimum: 2 } }, required: ['n'] };
    const compiled = selfContainedValidator(branch, false, ajv);
    expect('schema' in compiled).toBe(true);
    const loaded = selfContainedValidator(structuredClone(branch), false, ajv);
    expect('schema' in loaded).toBe(false);
    expect(compiles).toBe(1);
    expect([loaded({ n: 2 }), loaded({ n: 1 }), loaded({})]).toEqual([true, false, false]);
    const edited = selfContainedValidator({ ...branch, properties: { n: { type: 'integer', minimum: 0 } } }, false, ajv);
    expect(compiles).toBe(2);
    expect(edited({ n: 1 })).toBe(true);
  });

  it('keeps validators of another ajv configuration (a flavour) apart from createAjv\'s', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer' } }, required: ['n'] };
    let compiles = 0;
    const ajv = () => {
      compiles++;
      return createAjv({ allErrors: true, source: true });
    };
    selfContainedValidator(schema, true, ajv);
    selfContainedValidator(schema, true, ajv, 'lenient');
    expect(compiles).toBe(2); // the flavoured one did not load the plain one's entry
    selfContainedValidator(structuredClone(schema), true, ajv, 'lenient');
    expect(compiles).toBe(2);
  });

  it('a catalogue schema (lenient: unknown keywords and formats ignored) is compiled once and loaded by later runs', async () => {
    const published = { type: 'object', contentType: 'application/json', properties: { when: { type: 'string', format: 'not-a-format' }, n: { type: 'integer', minimum: 1 } }, required: ['n'] };
    const { LENIENT_FLAVOUR, validateAdHoc } = await import('../../../src/checks/_internals/ad-hoc-schema.js');
    expect(validateAdHoc(published, { n: 0 }, '', true)).toMatchObject({ ok: true, errors: [{ instancePath: '/n', keyword: 'minimum' }] });
    const entries = readdirSync(join(cache, 'validators'));
    expect(entries.length).toBe(1);
    // A later run (a new process: here, the same schema's code loaded from disk) judges the same.
    const loaded = selfContainedValidator(structuredClone(published), true, () => {
      throw new Error('compiled again instead of loaded');
    }, LENIENT_FLAVOUR);
    expect([loaded({ n: 1, when: 'whenever' }), loaded({ n: 0 })]).toEqual([true, false]);
  });

  it('loads one function for the same code, whichever entries hold it (ajv numbers its names per instance)', () => {
    const schema = { type: 'object', properties: { n: { type: 'integer', minimum: 2 }, s: { type: 'string', pattern: '^a' } }, required: ['n'] };
    // One ajv compiling other schemas first: the same schema's code comes out with other numbers.
    const shared = createAjv({ allErrors: true, source: true });
    shared.compile({ type: 'string', pattern: '^b', minLength: 2 });
    const first = selfContainedValidator(schema, true, () => createAjv({ allErrors: true, source: true }));
    const second = selfContainedValidator(schema, true, () => shared, 'another flavour, the same code');
    expect(first).not.toBe(second); // both compiled here
    const again = (flavour: string) => selfContainedValidator(structuredClone(schema), true, () => {
      throw new Error('compiled again instead of loaded');
    }, flavour);
    expect(again('another flavour, the same code')).toBe(again('')); // two entries, one loaded function
    expect([again('')({ n: 2, s: 'ab' }), again('')({ n: 2, s: 'b' })]).toEqual([true, false]);
  });

  it("loads a catalogue schema (the lenient ajv's) as the contract's own validator when it is the contract's schema", async () => {
    const { LENIENT_FLAVOUR, validateAdHoc } = await import('../../../src/checks/_internals/ad-hoc-schema.js');
    const first = loadContract();
    const model = first.model('@cf/meta/llama-3.1-8b-instruct-fp8')!; // a self-contained schema: no $ref to inline
    const published = structuredClone(first.inlinedSchema(model, 'input'));
    first.validator(first.modelSchemaUri(model, 'input'));
    expect(validateAdHoc(published, { prompt: 'hi' }, '', true)).toEqual({ ok: true, errors: [] });
    // A later run: both from disk, one function.
    const second = loadContract();
    const contractOwn = second.validator(second.modelSchemaUri(model, 'input'));
    const catalogue = selfContainedValidator(structuredClone(published) as object, true, () => {
      throw new Error('compiled again instead of loaded');
    }, LENIENT_FLAVOUR);
    expect(catalogue).toBe(contractOwn);
  });

  it("digests code up to ajv's numbering, never data: strings and properties keep their names", () => {
    const code = (a: number, b: number, property: string, text: string) =>
      `"use strict";module.exports = validate${a};const schema${b} = {"x":"${text}"};function validate${a}(data){if(data.${property} !== undefined && data.${property} !== schema${b}.x){validate${a}.errors = [{message:"${text}"}];return false;}return true;}`;
    expect(contentDigest(code(7, 3, 'p', 'schema1'))).toBe(contentDigest(code(70, 31, 'p', 'schema1')));
    expect(contentDigest(code(7, 3, 'p', 'schema1'))).not.toBe(contentDigest(code(7, 3, 'p', 'schema2'))); // inside a string
    expect(contentDigest(code(7, 3, 'schema1', 'x'))).not.toBe(contentDigest(code(7, 3, 'schema2', 'x'))); // a property of the data
    // Renamed one to one: two values never become one.
    expect(contentDigest('const schema1 = 1;const schema2 = 2;f(schema1, schema2);')).toBe(contentDigest('const schema8 = 1;const schema3 = 2;f(schema8, schema3);'));
    expect(contentDigest('const schema1 = 1;const schema2 = 2;f(schema1, schema2);')).not.toBe(contentDigest('const schema1 = 1;const schema2 = 2;f(schema1, schema1);'));
  });

  it('misses when the contract changes: an edited schema is enforced as edited', () => {
    const spec = temporary('wai-spec-');
    cpSync(defaultSpecDir(), spec, { recursive: true });
    const before = loadContract(spec);
    const input = { prompt: 'hi', max_tokens: 50 };
    expect(before.validateModel(before.model(MODEL)!, 'input', input)).toEqual([]);

    // The task's max_tokens minimum (copied into every text-generation model) moves above the request's value.
    const taskFile = join(spec, 'tasks', 'text-generation.yaml');
    const text = readFileSync(taskFile, 'utf8');
    const edited = text.replace(/(max_tokens: &max_tokens\n\s+type: integer\n\s+)minimum: 1\n/, '$1minimum: 100\n');
    expect(edited).not.toBe(text);
    writeFileSync(taskFile, edited);
    const after = loadContract(spec);
    expect(after.validateModel(after.model(MODEL)!, 'input', input).map((e) => e.instancePath)).toEqual(['/max_tokens']);
  });

  it('keeps the resolved contract: a later load reads it (the same models), an edited file resolves afresh', () => {
    const spec = temporary('wai-spec-');
    cpSync(defaultSpecDir(), spec, { recursive: true });
    const resolutions = () => readdirSync(join(cache, 'contracts')).filter((f) => !f.startsWith('stamps-'));
    const fresh = loadContract(spec);
    expect(resolutions()).toHaveLength(1);
    const cached = loadContract(spec);
    expect(JSON.stringify([...cached.models.values()])).toBe(JSON.stringify([...fresh.models.values()]));
    const model = cached.model(MODEL)!;
    expect(model.input).toBe((cached.document(model.schemaUri)!.$defs as { input: unknown }).input); // one object, as resolved
    expect(resolutions()).toHaveLength(1);

    // An overlay edit: a new resolution, with the edit in it.
    const overlay = join(spec, 'models', 'overlay.yaml');
    writeFileSync(overlay, `${readFileSync(overlay, 'utf8')}\n# edited\n`);
    loadContract(spec);
    expect(resolutions()).toHaveLength(2);

    // openapi.yaml is read on first use, not resolved: an edit to it still keys the validators afresh.
    const answer = { result: { response: 'hi' }, success: true, errors: [], messages: [] };
    expect(loadContract(spec).validateEnvelope(model, answer)).toEqual([]);
    const openapi = join(spec, 'openapi.yaml');
    const text = readFileSync(openapi, 'utf8');
    const edited = text.replace(/(\n    Envelope:\n(?:.*\n)*?      required: \[)/, '$1extra, ');
    expect(edited).not.toBe(text);
    writeFileSync(openapi, edited);
    expect(loadContract(spec).validateEnvelope(model, answer).map((e) => e.keyword)).toContain('required');
  });

  it("knows the digest from the files' stamps while they stat the same, and not after an edit", () => {
    const spec = temporary('wai-spec-');
    cpSync(defaultSpecDir(), spec, { recursive: true });
    const index = stampIndexFile(join(cache, 'contracts'), spec);
    loadContract(spec);
    // Files copied a moment ago are racy (changed within the clock's grain before the index): never trusted as such.
    expect(stampedDigest(index)).toBeUndefined();
    const digest = stampedDigest(index, 0n);
    expect(digest).toMatch(/^[0-9a-f]{64}$/);
    expect(existsSync(join(cache, 'contracts', `${digest}.json`))).toBe(true);
    // A loaded contract from the stamped digest: the same models as the files resolve to.
    expect(loadContract(spec).model(MODEL)!.input).toEqual(loadContract(defaultSpecDir()).model(MODEL)!.input);

    // Any write to a file the resolution read changes its stamp (ctime at least): the digest is read and hashed again.
    const lifecycle = join(spec, 'models', 'lifecycle.yaml');
    writeFileSync(lifecycle, readFileSync(lifecycle));
    expect(stampedDigest(index, 0n)).toBeUndefined();
    loadContract(spec);
    expect(stampedDigest(index, 0n)).toBe(digest); // same bytes, same digest, stamped again
    const task = join(spec, 'tasks', 'translation.yaml');
    writeFileSync(task, `${readFileSync(task, 'utf8')}\n# edited\n`);
    expect(stampedDigest(index, 0n)).toBeUndefined();
    loadContract(spec);
    expect(stampedDigest(index, 0n)).not.toBe(digest);
  });

  it('works without a usable cache folder (compiles each time, writes nothing)', () => {
    const file = join(temporary('wai-cache-'), 'a-file');
    writeFileSync(file, '');
    process.env[CACHE_DIR_VARIABLE] = join(file, 'below-a-file');
    const contract = loadContract();
    const model = contract.model(MODEL)!;
    expect(contract.validateModel(model, 'input', { prompt: 'hi' })).toEqual([]);
    process.env[CACHE_DIR_VARIABLE] = 'off';
    expect(loadContract().validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 }).length).toBeGreaterThan(0);
    expect(existsSync(join(file, 'below-a-file'))).toBe(false);
  });

  it('a process that writes an entry removes those written more than two weeks ago (once)', () => {
    const folder = join(cache, 'validators');
    mkdirSync(folder, { recursive: true });
    const [old, recent] = [join(folder, 'old.cjs'), join(folder, 'recent.cjs')];
    writeFileSync(old, 'stale');
    writeFileSync(recent, 'fresh');
    const longAgo = (Date.now() - (CACHE_ENTRY_DAYS + 1) * 24 * 3600 * 1000) / 1000;
    utimesSync(old, longAgo, longAgo);
    selfContainedValidator({ type: 'string', minLength: 3 }, false, () => createAjv({ allErrors: false, source: true }));
    expect(existsSync(old)).toBe(false);
    expect(existsSync(recent)).toBe(true);
    expect(readdirSync(folder)).toHaveLength(2); // the recent one and the new entry
  });

  it('ignores a broken entry and compiles instead', () => {
    const first = loadContract();
    const model = first.model(MODEL)!;
    first.validateModel(model, 'input', { prompt: 'hi' });
    for (const entry of readdirSync(join(cache, 'validators'))) writeFileSync(join(cache, 'validators', entry), 'this is not javascript(');
    const second = loadContract();
    expect(second.validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 }).length).toBeGreaterThan(0);
    expect(second.validateModel(model, 'input', { prompt: 'hi' })).toEqual([]);
  });
});

describe('compactErrors', () => {
  it('writes every error statement of a validator as a call, and the validator collects the same errors', () => {
    const contract = loadContract();
    const require = createRequire(import.meta.url);
    const { default: standaloneCode } = require('ajv/dist/standalone') as typeof import('ajv/dist/standalone/index.js');
    const evaluate = (code: string) => {
      const module = { exports: {} as { default: ((data: unknown) => boolean) & { errors?: unknown } } };
      new Function('require', 'module', 'exports', code)(require, module, module.exports);
      return module.exports.default;
    };
    const documents = [
      {},
      { prompt: 5, max_tokens: -1, temperature: 'hot', extra: null },
      { messages: [{ role: 'user', content: 5 }, { role: 7 }, 'x'], tools: [{ type: 'function', function: { name: 3 } }], response_format: { type: 'json_schema' } },
      { messages: [], image: [1, 'a'], lora: 1, seed: 1.5, stream: 'yes' },
      { prompt: '', max_tokens: 1e9, top_k: 0, top_p: 3, frequency_penalty: 9, presence_penalty: -9, repetition_penalty: 0 },
      [],
      'text',
      null,
    ];
    let compacted = 0;
    for (const id of ['@cf/meta/llama-3.1-8b-instruct', '@cf/meta/llama-3.3-70b-instruct-fp8-fast', '@cf/openai/gpt-oss-120b', '@cf/baai/bge-m3', '@cf/meta/m2m100-1.2b']) {
      const model = contract.model(id)!;
      for (const [part, allErrors] of [['input', true], ['input', false], ['output', true]] as const) {
        const ajv = createAjv({ allErrors, source: true });
        for (const uri of [model.schemaUri, ...[...contract.tasks.values()].map((t) => t.schemaUri), contract.componentUri('x').split('#')[0]!]) {
          const doc = contract.document(uri);
          if (doc && !ajv.getSchema(uri)) ajv.addSchema(doc, uri, undefined, false);
        }
        const original = standaloneCode(ajv, ajv.getSchema(contract.modelSchemaUri(model, part))!);
        const code = compactErrors(original);
        if (code !== original) compacted++;
        if (allErrors) expect(code).not.toMatch(/const err\d+ = /); // every error statement compacted
        expect(code.length).toBeLessThanOrEqual(original.length);
        const [before, after] = [evaluate(original), evaluate(code)];
        for (const document of documents) {
          expect(after(document), `${id} ${part}`).toBe(before(document));
          expect(after.errors, `${id} ${part} ${JSON.stringify(document)}`).toEqual(before.errors);
        }
      }
    }
    expect(compacted).toBeGreaterThan(5);
    expect(compactErrors('"use strict";const x = 1;')).toBe('"use strict";const x = 1;'); // nothing to compact: as written
  });
});

describe('Contract.schemaAt', () => {
  it('resolves every $ref of the contract to what ajv resolves it to', () => {
    const contract = loadContract();
    const ajv = createAjv({ allErrors: false });
    const uris = new Set<string>();
    const walk = (node: unknown, base: string): void => {
      if (Array.isArray(node)) return node.forEach((n) => walk(n, base));
      if (typeof node !== 'object' || node === null) return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') uris.add(new URL(value, base).href);
        else if (key !== 'enum' && key !== 'const' && key !== 'examples' && key !== 'default') walk(value, base);
      }
    };
    const documents = new Map<string, Record<string, unknown>>();
    for (const model of contract.models.values()) {
      const base = model.schemaUri;
      documents.set(base, contract.document(base)!);
      uris.add(contract.modelSchemaUri(model, 'input'));
      uris.add(contract.modelSchemaUri(model, 'output'));
    }
    for (const task of contract.tasks.values()) documents.set(task.schemaUri, contract.document(task.schemaUri)!);
    const openapi = contract.componentUri('Envelope').split('#')[0]!;
    documents.set(openapi, contract.document(openapi)!);
    for (const [id, doc] of documents) {
      ajv.addSchema(doc, id, undefined, false);
      // openapi.yaml also refers to parameters and responses, which are not schemas.
      walk(id === openapi ? (doc.components as { schemas: unknown }).schemas : doc, id);
    }
    expect(uris.size).toBeGreaterThan(200);
    for (const uri of uris) expect(contract.schemaAt(uri), uri).toBe(ajv.getSchema(uri)?.schema);
    expect(contract.schemaAt(`${openapi}#/components/schemas/NoSuchThing`)).toBeUndefined();
  });
});
