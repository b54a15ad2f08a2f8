import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { ContractError } from '../../../src/contract/errors.js';
import { defaultSpecDir } from '../../../src/contract/files.js';
import { loadContract } from '../../../src/contract/load.js';
import { TASK_IDS } from '../../../src/contract/types.js';

const contract = loadContract();
const typesIndex = readFileSync(join(process.cwd(), 'node_modules/@cloudflare/workers-types/index.d.ts'), 'utf8');
const aiModelIds = [...typesIndex.slice(typesIndex.indexOf('interface AiModels {'), typesIndex.indexOf('}', typesIndex.indexOf('interface AiModels {'))).matchAll(/^\s+"([^"]+)":/gm)].map((m) => m[1]!);

describe('the contract', () => {
  it('has every model of @cloudflare/workers-types AiModels, each with a known task', () => {
    expect(aiModelIds.length).toBeGreaterThanOrEqual(99);
    for (const id of aiModelIds) {
      const model = contract.model(id);
      expect(model, id).toBeDefined();
      expect(TASK_IDS).toContain(model!.task);
    }
  });

  it('adds documented models the types lack (detr-resnet-50)', () => {
    const detr = contract.model('@cf/facebook/detr-resnet-50');
    expect(detr?.task).toBe('object-detection');
    expect(detr?.source).toBe('overlay');
  });

  it('has every task, each with at least one model', () => {
    for (const task of TASK_IDS) expect(contract.modelsOfTask(task).length, task).toBeGreaterThan(0);
  });

  it('compiles every schema', () => {
    expect(contract.compileAll()).toBe(2 * contract.tasks.size + 2 * contract.models.size + 2);
  });

  it('copies task constraints into models of the task (written once, in the task)', () => {
    const model = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;
    const errors = contract.validateModel(model, 'input', { prompt: 'hi', max_tokens: 0 });
    expect(errors.map((e) => e.instancePath)).toContain('/max_tokens');
  });

  it("carries the task's JSON-mode correction to every classic model's response, where the model states no forms of its own", () => {
    const fp8 = contract.model('@cf/meta/llama-3.1-8b-instruct-fp8')!;
    expect(contract.validateModel(fp8, 'output', { response: { city: 'Paris' } })).toEqual([]);
    expect(contract.validateModel(fp8, 'output', { response: 'Paris' })).toEqual([]);
    expect(contract.validateModel(fp8, 'output', { response: 42 })).not.toEqual([]);
    // llama-guard states its own forms (text or {safe, categories}): kept as the model says.
    const guard = contract.model('@cf/meta/llama-guard-3-8b')!;
    expect(JSON.stringify(contract.inlinedSchema(guard, 'output'))).toContain('"safe"');
  });

  it("takes the StackQL resource's input fields the types lack: ignore_eos (llava), source_lang/target_lang (whisper)", () => {
    const llava = contract.model('@cf/llava-hf/llava-1.5-7b-hf')!;
    expect(contract.validateModel(llava, 'input', { image: [1, 2, 3], prompt: 'what?', ignore_eos: true })).toEqual([]);
    expect(contract.validateModel(llava, 'input', { image: [1, 2, 3], ignore_eos: 'yes' }).map((e) => e.instancePath)).toContain('/ignore_eos');
    for (const id of ['@cf/openai/whisper', '@cf/openai/whisper-tiny-en']) {
      expect(contract.validateModel(contract.model(id)!, 'input', { audio: [82, 73, 70, 70], source_lang: 'fr', target_lang: 'en' }), id).toEqual([]);
    }
  });

  it('states binary answers as facts', () => {
    const sdxl = contract.model('@cf/stabilityai/stable-diffusion-xl-base-1.0')!;
    expect(sdxl.facts.response).toEqual({ contentType: 'image/png', envelope: false });
    const bge = contract.model('@cf/baai/bge-base-en-v1.5')!;
    expect(bge.facts.embeddingDimension).toBe(768);
  });
});

describe('a broken contract', () => {
  const dirs: string[] = [];
  afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

  function brokenCopy(edit: (dir: string) => void): string {
    const dir = mkdtempSync(join(tmpdir(), 'wai-spec-'));
    dirs.push(dir);
    cpSync(defaultSpecDir(), dir, { recursive: true });
    edit(dir);
    return dir;
  }

  function loadError(dir: string): ContractError {
    try {
      loadContract(dir).compileAll();
    } catch (error) {
      expect(error).toBeInstanceOf(ContractError);
      return error as ContractError;
    }
    throw new Error('expected the broken contract to be rejected');
  }

  it('names the file of invalid YAML', () => {
    const dir = brokenCopy((d) => writeFileSync(join(d, 'tasks/translation.yaml'), 'title: [unclosed\n'));
    const error = loadError(dir);
    expect(error.file).toMatch(/tasks\/translation\.yaml$/);
    expect(error.message).toMatch(/not valid YAML/);
  });

  it('names file and pointer of a task input patch that is not a pointer suffix', () => {
    const dir = brokenCopy((d) => {
      const file = join(d, 'models/overlay.yaml');
      const overlay = parseYaml(readFileSync(file, 'utf8')) as { tasks: Record<string, Record<string, unknown>> };
      overlay.tasks['text-generation']!.inputPatches = { 'parameters/properties': { required: [] } };
      writeFileSync(file, stringifyYaml(overlay));
    });
    const error = loadError(dir);
    expect(error.file).toMatch(/overlay\.yaml$/);
    expect(error.pointer).toBe('/tasks/text-generation/inputPatches/parameters~1properties');
    expect(error.message).toMatch(/starts with "\/"/);
  });

  it('names file and pointer of a bad overlay patch', () => {
    const dir = brokenCopy((d) => {
      const file = join(d, 'models/overlay.yaml');
      const overlay = parseYaml(readFileSync(file, 'utf8')) as { models: Record<string, Record<string, unknown>> };
      overlay.models['@cf/meta/m2m100-1.2b'] = { ...overlay.models['@cf/meta/m2m100-1.2b'], patch: { input: { '/properties/no-such-field': { minLength: 1 } } } };
      writeFileSync(file, stringifyYaml(overlay));
    });
    const error = loadError(dir);
    expect(error.file).toMatch(/overlay\.yaml$/);
    expect(error.pointer).toBe('/models/@cf~1meta~1m2m100-1.2b/patch/input/~1properties~1no-such-field');
  });

  it('names file and pointer of a schema that does not compile', () => {
    const dir = brokenCopy((d) => {
      const file = join(d, 'tasks/summarization.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/type: string/, 'type: strnig'));
    });
    const error = loadError(dir);
    expect(error.file).toMatch(/summarization\.yaml|overlay\.yaml/);
    expect(error.message).toMatch(/strnig|compile/);
  });

  it('rejects an unknown fact with its pointer', () => {
    const dir = brokenCopy((d) => {
      const file = join(d, 'models/overlay.yaml');
      writeFileSync(file, readFileSync(file, 'utf8').replace(/embeddingDimension: 768/, 'embeddingDimensions: 768'));
    });
    const error = loadError(dir);
    expect(error.message).toMatch(/unknown fact "embeddingDimensions"/);
  });
});
