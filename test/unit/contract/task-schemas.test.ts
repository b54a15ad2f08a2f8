/**
 * spec/tasks/*.yaml and spec/models/overlay.yaml, read straight from disk (no loader):
 * - every task file is a strict JSON Schema 2020-12 document with the catalogue's title, an `input`
 *   and an `output`, only the `contentType` vendor keyword, and relative refs;
 * - the hand-written fixtures in test/fixtures/tasks/<task-id>.yaml hold: valid documents validate,
 *   and each invalid one fails with the documented rule it breaks (instancePath + keyword);
 * - the overlay uses catalogue-style model ids, the 12 task ids, the ModelFacts vocabulary, refs that
 *   resolve into the task files, and names the task of every workers-types model whose class does not.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import Ajv2020Import from 'ajv/dist/2020.js';
import addFormatsImport from 'ajv-formats';
import type { ErrorObject } from 'ajv';
import { TASK_IDS, type TaskId } from '../../../src/contract/types.js';

// ajv and ajv-formats are CommonJS with an `exports.default`; under NodeNext typing the default import is
// the module object, at run time it may be either. Take `.default` when present.
type AjvCtor = typeof Ajv2020Import.default;
const Ajv2020: AjvCtor =
  (Ajv2020Import as unknown as { default?: AjvCtor }).default ?? (Ajv2020Import as unknown as AjvCtor);
type Ajv = InstanceType<AjvCtor>;
type FormatsFn = typeof addFormatsImport.default;
const addFormats: FormatsFn =
  (addFormatsImport as unknown as { default?: FormatsFn }).default ?? (addFormatsImport as unknown as FormatsFn);

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const TASKS_DIR = join(ROOT, 'spec', 'tasks');
const FIXTURES_DIR = join(ROOT, 'test', 'fixtures', 'tasks');
const OVERLAY_FILE = join(ROOT, 'spec', 'models', 'overlay.yaml');
const TYPES_FILE = join(ROOT, 'src', 'contract', 'types.ts');
const WORKERS_TYPES_FILE = join(ROOT, 'node_modules', '@cloudflare', 'workers-types', 'index.d.ts');

/** The catalogue's task names (`task.name` of /ai/models/search), by task id. */
const TASK_TITLES: Record<TaskId, string> = {
  'text-generation': 'Text Generation',
  'text-embeddings': 'Text Embeddings',
  'text-classification': 'Text Classification',
  'text-to-image': 'Text-to-Image',
  'text-to-speech': 'Text-to-Speech',
  'automatic-speech-recognition': 'Automatic Speech Recognition',
  'image-classification': 'Image Classification',
  'object-detection': 'Object Detection',
  translation: 'Translation',
  summarization: 'Summarization',
  'image-to-text': 'Image-to-Text',
  'voice-activity-detection': 'Voice Activity Detection',
};

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const readYaml = (file: string): unknown => parse(readFileSync(file, 'utf8'), { uniqueKeys: true });

/** Creates a strict 2020-12 ajv that knows only the catalogue's `contentType` vendor keyword. */
function strictAjv(): Ajv {
  const ajv = new Ajv2020({ strict: true, allErrors: true });
  addFormats(ajv);
  // `format: binary` marks raw bytes (OpenAPI's convention, as in Cloudflare's catalogue): any string.
  ajv.addFormat('binary', true);
  ajv.addKeyword({ keyword: 'contentType', schemaType: 'string' });
  return ajv;
}

/** Every value under `key` anywhere in a document, with its JSON pointer. */
function collect(doc: unknown, key: string, at = ''): { pointer: string; value: unknown }[] {
  const found: { pointer: string; value: unknown }[] = [];
  if (Array.isArray(doc)) doc.forEach((v, i) => found.push(...collect(v, key, `${at}/${i}`)));
  else if (isObject(doc)) {
    for (const [k, v] of Object.entries(doc)) {
      const pointer = `${at}/${k.replace(/~/g, '~0').replace(/\//g, '~1')}`;
      if (k === key) found.push({ pointer, value: v });
      found.push(...collect(v, key, pointer));
    }
  }
  return found;
}

interface FixtureCase {
  name: string;
  source?: string;
  data: unknown;
  error?: { instancePath: string; keyword: string };
  apiError?: { source: string; status: number; message: string };
}
interface FixtureGroup {
  valid?: FixtureCase[];
  invalid?: FixtureCase[];
}
interface TaskFixture {
  input: FixtureGroup;
  output: FixtureGroup;
  defs?: Record<string, FixtureGroup>;
}

const taskDocs = new Map<TaskId, Obj>();
let ajv: Ajv;

beforeAll(() => {
  ajv = strictAjv();
  for (const id of TASK_IDS) {
    const doc = readYaml(join(TASKS_DIR, `${id}.yaml`));
    if (!isObject(doc)) throw new Error(`spec/tasks/${id}.yaml is not a mapping`);
    taskDocs.set(id, doc);
    ajv.addSchema(doc);
  }
});

function errorsOf(uri: string, data: unknown): ErrorObject[] | null {
  const validate = ajv.getSchema(uri);
  if (!validate) throw new Error(`no schema at ${uri}`);
  return validate(data) ? null : (validate.errors ?? []);
}

const brief = (errors: ErrorObject[]) => errors.map((e) => `${e.instancePath || '(root)'} ${e.keyword}: ${e.message}`).join('; ');

describe('spec/tasks', () => {
  it('has exactly one file per task id', () => {
    const files = readdirSync(TASKS_DIR).filter((f) => /\.ya?ml$/.test(f)).sort();
    expect(files).toEqual(TASK_IDS.map((id) => `${id}.yaml`).sort());
  });

  describe.each(TASK_IDS.map((id) => [id]))('%s', (id) => {
    it('is a JSON Schema 2020-12 document named after the catalogue task', () => {
      const doc = taskDocs.get(id)!;
      expect(doc.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
      expect(doc.$id).toBe(`tasks/${id}.yaml`);
      expect(doc.title).toBe(TASK_TITLES[id]);
      expect(typeof doc.description).toBe('string');
      expect((doc.description as string).length).toBeGreaterThan(20);
      expect(isObject(doc.$defs)).toBe(true);
      expect(Object.keys(doc.$defs as Obj)).toEqual(expect.arrayContaining(['input', 'output']));
    });

    it('compiles every $def under strict mode (only `contentType` as a vendor keyword)', () => {
      for (const def of Object.keys(taskDocs.get(id)!.$defs as Obj)) {
        expect(() => ajv.getSchema(`tasks/${id}.yaml#/$defs/${def}`), def).not.toThrow();
        expect(ajv.getSchema(`tasks/${id}.yaml#/$defs/${def}`), def).toBeTypeOf('function');
      }
    });

    it('uses only local or relative refs into other task files', () => {
      for (const { pointer, value } of collect(taskDocs.get(id)!, '$ref')) {
        expect(value, pointer).toBeTypeOf('string');
        const ref = value as string;
        const other = /^\.\/([a-z-]+)\.yaml#(\/.*)$/.exec(ref);
        expect(ref.startsWith('#/') || other !== null, `${pointer}: ${ref}`).toBe(true);
        if (other) expect(TASK_IDS as readonly string[], `${pointer}: ${ref}`).toContain(other[1]);
      }
    });

    it('marks binary answers with `contentType` and `format: binary` only as a string', () => {
      // `contentType` as a keyword, not as the name of a property (the binding's `{body, contentType}`).
      const keywords = collect(taskDocs.get(id)!, 'contentType').filter(({ pointer }) => !pointer.endsWith('/properties/contentType'));
      for (const { pointer, value } of keywords) {
        expect(value, pointer).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
        const parent = pointer.replace(/\/contentType$/, '');
        const schema = parent.split('/').slice(1).reduce<unknown>((node, t) => (node as Obj)[t.replace(/~1/g, '/').replace(/~0/g, '~')], taskDocs.get(id)!) as Obj;
        if (value !== 'application/json') expect(schema, pointer).toMatchObject({ type: 'string', format: 'binary' });
      }
    });
  });
});

describe('task fixtures (test/fixtures/tasks)', () => {
  describe.each(TASK_IDS.map((id) => [id]))('%s', (id) => {
    const file = join(FIXTURES_DIR, `${id}.yaml`);
    const fixture = (existsSync(file) ? readYaml(file) : { input: {}, output: {} }) as TaskFixture;
    const groups: [string, FixtureGroup][] = [
      ['input', fixture.input],
      ['output', fixture.output],
      ...Object.entries(fixture.defs ?? {}),
    ];

    it('has at least two valid and two invalid inputs and outputs', () => {
      expect(existsSync(file), file).toBe(true);
      for (const part of ['input', 'output'] as const) {
        expect(fixture[part].valid?.length ?? 0, `${part} valid`).toBeGreaterThanOrEqual(2);
        expect(fixture[part].invalid?.length ?? 0, `${part} invalid`).toBeGreaterThanOrEqual(2);
      }
    });

    it.each(groups.map(([def, group]) => [def, group]))('$defs/%s: valid fixtures validate', (def, group) => {
      for (const c of group.valid ?? []) {
        const errors = errorsOf(`tasks/${id}.yaml#/$defs/${def}`, c.data);
        expect(errors === null ? 'valid' : brief(errors), c.name).toBe('valid');
      }
    });

    it.each(groups.map(([def, group]) => [def, group]))('$defs/%s: invalid fixtures fail with the rule they break', (def, group) => {
      for (const c of group.invalid ?? []) {
        expect(c.error, `${c.name}: names its expected error`).toBeDefined();
        const errors = errorsOf(`tasks/${id}.yaml#/$defs/${def}`, c.data);
        expect(errors, `${c.name}: should be invalid`).not.toBeNull();
        const found = errors!.some((e) => e.instancePath === c.error!.instancePath && e.keyword === c.error!.keyword);
        expect(found, `${c.name}: expected ${c.error!.instancePath || '(root)'} ${c.error!.keyword}, got ${brief(errors!)}`).toBe(true);
        if (c.apiError) {
          // The documented API answer to such a request names the same rule at the same place.
          expect(c.apiError.status).toBe(400);
          expect(c.apiError.message).toContain(c.error!.keyword);
          expect(c.apiError.message).toContain(`'${c.error!.instancePath || '/'}'`);
        }
      }
    });
  });
});

/** Member names of `interface <name>` in src/contract/types.ts: the facts vocabulary. */
function interfaceKeys(source: string, name: string): string[] {
  const body = new RegExp(`export interface ${name} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1];
  if (!body) throw new Error(`interface ${name} not found in src/contract/types.ts`);
  return [...body.matchAll(/^ {2}(\w+)\??:/gm)].map((m) => m[1]!);
}

/** The `interface AiModels` entries of @cloudflare/workers-types: model id → class. */
function aiModels(): Map<string, string> {
  const source = readFileSync(WORKERS_TYPES_FILE, 'utf8');
  const body = /\binterface AiModels \{([\s\S]*?)\n\}/.exec(source)?.[1];
  if (!body) throw new Error('interface AiModels not found in @cloudflare/workers-types');
  return new Map([...body.matchAll(/^\s*"([^"]+)": (\w+);/gm)].map((m) => [m[1]!, m[2]!]));
}

describe('spec/models/overlay.yaml', () => {
  const overlay = readYaml(OVERLAY_FILE) as Obj;
  const typesSource = readFileSync(TYPES_FILE, 'utf8');
  const factKeys = interfaceKeys(typesSource, 'ModelFacts');
  const models = (overlay.models ?? {}) as Record<string, Obj>;
  const taskFacts = (overlay.tasks ?? {}) as Record<string, Obj>;

  it('has only `tasks` and `models`', () => {
    expect(isObject(overlay)).toBe(true);
    expect(Object.keys(overlay).sort()).toEqual(['models', 'tasks']);
    expect(Object.keys(taskFacts).sort()).toEqual([...TASK_IDS].sort());
    // `outputProperties` and `inputPatches`: task-wide corrections (spec/README.md).
    for (const [task, entry] of Object.entries(taskFacts)) expect(Object.keys(entry).filter((k) => !['outputProperties', 'inputPatches', 'outputPatches'].includes(k)), task).toEqual(['facts']);
  });

  it('uses catalogue-style model ids and the 12 task ids', () => {
    expect(Object.keys(models).length).toBeGreaterThan(0);
    for (const [id, entry] of Object.entries(models)) {
      expect(id).toMatch(/^@(cf|hf)\/[A-Za-z0-9][\w.-]*\/[A-Za-z0-9][\w.-]*$/);
      expect(Object.keys(entry).every((k) => ['task', 'facts', 'input', 'output', 'patch'].includes(k)), id).toBe(true);
      if ('task' in entry) expect(TASK_IDS as readonly string[], id).toContain(entry.task);
    }
  });

  it('states facts only in the ModelFacts vocabulary, with values of the right kind', () => {
    expect(factKeys).toEqual(expect.arrayContaining(['response', 'streams', 'transport', 'outputStyle', 'embeddingDimension']));
    const openAiKeys = interfaceKeys(typesSource, 'OpenAiFacts');
    const entries: [string, unknown][] = [
      ...Object.entries(taskFacts).map(([task, e]): [string, unknown] => [`tasks/${task}`, e.facts]),
      ...Object.entries(models)
        .filter(([, e]) => 'facts' in e)
        .map(([id, e]): [string, unknown] => [`models/${id}`, e.facts]),
    ];
    for (const [where, facts] of entries) {
      expect(isObject(facts), where).toBe(true);
      for (const [key, value] of Object.entries(facts as Obj)) {
        const at = `${where}/facts/${key}`;
        expect(factKeys, at).toContain(key);
        switch (key) {
          case 'response':
            expect(Object.keys(value as Obj).sort(), at).toEqual(['contentType', 'envelope']);
            expect((value as Obj).contentType, at).toMatch(/^[a-z]+\/[a-z0-9.+-]+$/);
            expect((value as Obj).envelope, at).toBeTypeOf('boolean');
            // The v4 envelope carries JSON only.
            if ((value as Obj).envelope) expect((value as Obj).contentType, at).toBe('application/json');
            break;
          case 'streams':
            expect(value, at).toBeTypeOf('boolean');
            break;
          case 'outputStyle':
            expect(['classic', 'chat-completions', 'responses', 'decisions'], at).toContain(value);
            break;
          case 'transport':
            expect(['http', 'websocket'], at).toContain(value);
            break;
          case 'embeddingDimension':
          case 'maxTokens':
          case 'contextWindow':
            expect(Number.isInteger(value) && (value as number) > 0, at).toBe(true);
            break;
          case 'labels':
            expect(Array.isArray(value) && value.every((l) => typeof l === 'string' && l.length > 0), at).toBe(true);
            expect(new Set(value as string[]).size, at).toBe((value as string[]).length);
            break;
          case 'rawInput':
            expect(Array.isArray(value) && value.length > 0, at).toBe(true);
            for (const type of value as unknown[]) expect(type, at).toMatch(/^[a-z]+\/([a-z0-9.+-]+|\*)$/);
            break;
          case 'openai':
            for (const [k, v] of Object.entries(value as Obj)) {
              expect(openAiKeys, at).toContain(k);
              expect(v, `${at}/${k}`).toBeTypeOf('boolean');
            }
            break;
          case 'defaultImageSize':
            expect(Object.keys(value as Obj).sort(), at).toEqual(['height', 'width']);
            break;
        }
      }
    }
  });

  it('refers only to $defs that exist in the task files, by paths relative to spec/models/', () => {
    const refs = Object.entries(models).flatMap(([id, e]) =>
      ['input', 'output'].flatMap((part) => collect({ [part]: e[part] }, '$ref').map((r) => ({ at: `${id}${r.pointer}`, ref: r.value }))),
    );
    expect(refs.length).toBeGreaterThan(0);
    for (const { at, ref } of refs) {
      const m = /^\.\.\/tasks\/([a-z-]+)\.yaml#\/\$defs\/([\w-]+)$/.exec(String(ref));
      expect(m, `${at}: ${String(ref)}`).not.toBeNull();
      expect(TASK_IDS as readonly string[], at).toContain(m![1]);
      expect(Object.keys(taskDocs.get(m![1] as TaskId)!.$defs as Obj), at).toContain(m![2]);
    }
  });

  it('gives the binary-answer models a binary output and matching response facts', () => {
    for (const [id, entry] of Object.entries(models)) {
      const ref = isObject(entry.output) ? String(entry.output.$ref ?? '') : '';
      const response = isObject(entry.facts) ? (entry.facts.response as Obj | undefined) : undefined;
      if (/binary-output/.test(ref) && response) expect(response.envelope, id).toBe(false);
      if (/base64-output/.test(ref)) expect(response, id).toEqual({ contentType: 'application/json', envelope: true });
    }
  });

  it('writes patches as JSON pointers to schema keywords', () => {
    const lenient = new Ajv2020({ strict: false });
    addFormats(lenient);
    lenient.addFormat('binary', true);
    for (const [id, entry] of Object.entries(models)) {
      if (!('patch' in entry)) continue;
      const patch = entry.patch as Obj;
      expect(Object.keys(patch).every((k) => k === 'input' || k === 'output'), id).toBe(true);
      for (const [part, targets] of Object.entries(patch)) {
        for (const [pointer, keywords] of Object.entries(targets as Obj)) {
          const at = `${id}/patch/${part}/${pointer}`;
          expect(pointer === '' || pointer.startsWith('/'), at).toBe(true);
          expect(isObject(keywords), at).toBe(true);
          // A `$ref` to another file (a batch model's BatchAnswer in openapi.yaml) only resolves in the loaded
          // contract, whose own test compiles every schema; here the other keywords are checked.
          const kept = Object.fromEntries(Object.entries(keywords as Obj).filter(([k, v]) => v !== null && k !== '$ref'));
          expect(() => lenient.compile(kept), at).not.toThrow();
        }
      }
    }
  });

  it('names the task of every workers-types model whose class does not', () => {
    const catalogue = aiModels();
    expect(catalogue.size).toBeGreaterThan(90);
    const kebab = (name: string) => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
    for (const [id, cls] of catalogue) {
      const generic = /^BaseAi([A-Z][A-Za-z]+)$/.exec(cls);
      const overlayTask = models[id]?.task;
      if (generic) {
        const task = kebab(generic[1]!);
        expect(TASK_IDS as readonly string[], `${id} (${cls})`).toContain(task);
        if (overlayTask !== undefined) expect(overlayTask, `${id} (${cls})`).toBe(task);
      } else {
        expect(overlayTask, `${id} (${cls}) needs task: in the overlay`).toBeDefined();
      }
    }
    // Models the overlay adds must say their task (they have no class to name it).
    for (const [id, entry] of Object.entries(models)) {
      if (!catalogue.has(id)) {
        expect(entry.task, `${id} is not in AiModels`).toBeDefined();
        // Its input and output are its catalogue page's (test/unit/contract/documented-schemas.test.ts).
      }
    }
  });
});
