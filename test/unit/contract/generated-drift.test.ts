/** @module Guards spec/models/generated: it must be exactly what `npm run spec:generate` writes today. */

import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { beforeAll, describe, expect, it } from 'vitest';
import Ajv2020 from 'ajv/dist/2020.js';
import addFormats from 'ajv-formats';

import {
  defaultTypesDir,
  generateModelSchemas,
  INDEX_FILE,
  JSON_SCHEMA_2020,
  modelFileName,
  type GeneratedModelIndex,
} from '../../../src/contract/generate-from-types.js';

const GENERATED_DIR = path.resolve(fileURLToPath(import.meta.url), '../../../../spec/models/generated');
const TYPES_DIR = defaultTypesDir();
/** How many models the pinned @cloudflare/workers-types (5.20261117.1) declares; update when bumping it. */
const PINNED_MODEL_COUNT = 99;

type Doc = { $id: string; $schema: string; title: string; $defs: Record<string, unknown> };

const readCommitted = (file: string): string => readFileSync(path.join(GENERATED_DIR, file), 'utf8');
const committedDoc = (id: string): Doc => JSON.parse(readCommitted(modelFileName(id))) as Doc;

/** AiModels' property count, read syntactically: independent of the generator's checker-based listing. */
function countAiModels(): number {
  const file = path.join(TYPES_DIR, 'index.d.ts');
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest);
  const decls = source.statements.filter(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'AiModels',
  );
  return decls.reduce((n, d) => n + d.members.filter(ts.isPropertySignature).length, 0);
}

describe('spec/models/generated', () => {
  let generated: Map<string, string>;

  beforeAll(async () => {
    generated = await generateModelSchemas(TYPES_DIR);
  });

  it('matches a fresh generation byte for byte', () => {
    const committed = readdirSync(GENERATED_DIR).filter((f) => f.endsWith('.json'));
    const stale = [...generated].filter(([f, text]) => committed.includes(f) && readCommitted(f) !== text);
    const missing = [...generated.keys()].filter((f) => !committed.includes(f));
    const extra = committed.filter((f) => !generated.has(f));
    const problems = [
      ...stale.map(([f]) => `${f} (differs)`),
      ...missing.map((f) => `${f} (missing)`),
      ...extra.map((f) => `${f} (no longer in AiModels)`),
    ];
    expect(
      problems,
      `spec/models/generated is stale: ${problems.join(', ')}. Run \`npm run spec:generate\` and commit the result.`,
    ).toEqual([]);
  });

  it('has one document per AiModels entry', () => {
    const index = JSON.parse(readCommitted(INDEX_FILE)) as GeneratedModelIndex;
    expect(countAiModels()).toBe(PINNED_MODEL_COUNT);
    expect(index.models).toHaveLength(countAiModels());
    expect(generated.size).toBe(countAiModels() + 1); // + index.json
    expect(new Set(index.models.map((m) => m.id)).size).toBe(index.models.length);
    for (const m of index.models) expect(m.file).toBe(modelFileName(m.id));
  });

  it('compiles every document with ajv (2020-12)', () => {
    // Both packages are CommonJS; under NodeNext the default import is `module.exports`, whose
    // `.default` is the class / plugin at runtime and in the types alike.
    const ajv = new Ajv2020.default({ strict: false, allErrors: true });
    addFormats.default(ajv);
    const index = JSON.parse(readCommitted(INDEX_FILE)) as GeneratedModelIndex;
    for (const { id } of index.models) {
      const doc = committedDoc(id);
      expect(doc.$schema).toBe(JSON_SCHEMA_2020);
      expect(doc.title).toBe(id);
      ajv.addSchema(doc);
      for (const part of ['input', 'output']) {
        expect(doc.$defs[part], `${id} $defs.${part}`).toBeDefined();
        expect(ajv.getSchema(`${doc.$id}#/$defs/${part}`), `${id} $defs.${part}`).toBeTypeOf('function');
      }
    }
  });

  it('keeps what the types say: whisper-large-v3-turbo needs audio', () => {
    const input = committedDoc('@cf/openai/whisper-large-v3-turbo').$defs.input as {
      type: string;
      required: string[];
      properties: Record<string, unknown>;
    };
    expect(input.type).toBe('object');
    expect(input.required).toEqual(['audio']);
    // audio: string | { body?: object; contentType?: string }
    expect(input.properties.audio).toMatchObject({ anyOf: [{ type: 'string' }, { type: 'object' }] });
  });

  it('keeps what the types say: distilbert-sst-2-int8 answers [{ score?, label? }]', () => {
    expect(committedDoc('@cf/huggingface/distilbert-sst-2-int8').$defs.output).toEqual({
      type: 'array',
      items: {
        type: 'object',
        properties: { score: { type: 'number' }, label: { type: 'string' } },
      },
    });
  });

  it('resolves Omit<A & B, K> property by property (generator pitfall)', () => {
    // With the generator's additionalProperties: true, these came out as allOf [array, object] and
    // literals as objects; see GENERATOR_CONFIG in generate-from-types.ts.
    const input = committedDoc('@cf/deepseek-ai/deepseek-v4-flash-0731').$defs.input as {
      properties: Record<string, { type?: unknown; anyOf?: unknown[] }>;
    };
    expect(input.properties.messages?.type).toBe('array');
    expect(input.properties.tool_choice?.anyOf).toContainEqual({ type: 'string', const: 'none' });
  });

  it('leaves every object open (no additionalProperties: false)', () => {
    for (const [file, text] of generated) {
      expect(text, file).not.toMatch(/"additionalProperties": false/);
    }
  });

  it('maps binding-only types instead of describing their members', () => {
    const tti = committedDoc('@cf/stabilityai/stable-diffusion-xl-base-1.0').$defs.output;
    expect(tti).toEqual({ description: 'binary stream (binding type ReadableStream)' });
    for (const text of generated.values()) expect(text).not.toContain('BYTES_PER_ELEMENT');
  });
});
