/** @module Generates the structural model schemas (spec/models/generated) from @cloudflare/workers-types' `AiModels`. */

import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import ts from 'typescript';
// ts-json-schema-generator is CommonJS: a default import works the same under tsx, vitest and plain Node,
// whereas named imports depend on Node's CJS export detection.
import tsj from 'ts-json-schema-generator';
import type {
  BaseType,
  CompletedConfig,
  Context,
  Definition,
  SubNodeParser,
  SubTypeFormatter,
} from 'ts-json-schema-generator';

import type { JsonSchema } from './types.js';

/** `$schema` of every generated document. */
export const JSON_SCHEMA_2020 = 'https://json-schema.org/draft/2020-12/schema';

/** One entry of `AiModels`: a model id and the workers-types class that describes it. */
export interface AiModelEntry {
  id: string;
  /** Class name, e.g. `BaseAiTextGeneration` or `Base_Ai_Cf_Openai_Whisper`. */
  class: string;
}

/** One row of `spec/models/generated/index.json`. */
export interface GeneratedModelIndexEntry extends AiModelEntry {
  /** File name of the model's document, relative to `spec/models/generated/`. */
  file: string;
}

/** Contents of `spec/models/generated/index.json`. */
export interface GeneratedModelIndex {
  package: string;
  version: string;
  models: GeneratedModelIndexEntry[];
}

/** Name of the index file inside `spec/models/generated/`. */
export const INDEX_FILE = 'index.json';

/**
 * File name of a model's generated document: `/` cannot appear in a file name, so it becomes `__`
 * (`@cf/meta/llama-3.1-8b-instruct-fp8` → `@cf__meta__llama-3.1-8b-instruct-fp8.json`).
 */
export function modelFileName(id: string): string {
  return `${id.replaceAll('/', '__')}.json`;
}

/** Folder of the installed `@cloudflare/workers-types` package, resolved from this module. */
export function defaultTypesDir(): string {
  const require = createRequire(import.meta.url);
  return path.dirname(require.resolve('@cloudflare/workers-types/package.json'));
}

// ---------------------------------------------------------------------------------------------
// Binding-only types
// ---------------------------------------------------------------------------------------------

/**
 * Schemas for types that exist only on the Workers binding (`env.AI.run`). Left to the generator they
 * become their structural members (`Uint8Array` → `{ BYTES_PER_ELEMENT, buffer, byteLength, ... }`,
 * `ReadableStream` → `{ type: "object" }`), which describe no JSON anyone sends. Over REST, bytes
 * travel as raw bodies or as arrays of 0..255 integers (what the JSON inputs such as `image: number[]`
 * use), so typed arrays map to that; streams and blobs map to "anything" with a description, and the
 * overlay states the real REST contract of binary answers.
 */
const BYTES: Definition = {
  type: 'array',
  items: { type: 'integer', minimum: 0, maximum: 255 },
};
const BINDING_TYPE_SCHEMAS: Readonly<Record<string, Definition>> = {
  Uint8Array: { ...BYTES, description: 'bytes (binding type Uint8Array)' },
  Uint8ClampedArray: { ...BYTES, description: 'bytes (binding type Uint8ClampedArray)' },
  ArrayBuffer: { ...BYTES, description: 'bytes (binding type ArrayBuffer)' },
  ArrayBufferView: { ...BYTES, description: 'bytes (binding type ArrayBufferView)' },
  ReadableStream: { description: 'binary stream (binding type ReadableStream)' },
  Blob: { description: 'binary data (binding type Blob)' },
  File: { description: 'binary data (binding type File)' },
  AbortSignal: { description: 'abort signal (binding type AbortSignal; not part of a REST request)' },
};

/** A binding-only type, kept by name so the formatter can emit its fixed schema. */
class BindingType extends tsj.BaseType {
  constructor(readonly bindingName: string) {
    super();
  }
  override getId(): string {
    return `binding-${this.bindingName}`;
  }
}

/** Name of the binding type a node refers to or declares, when it is one declared in a .d.ts file. */
function bindingTypeName(node: ts.Node, checker: ts.TypeChecker): string | undefined {
  let nameNode: ts.Node | undefined;
  if (ts.isTypeReferenceNode(node)) nameNode = node.typeName;
  else if (ts.isExpressionWithTypeArguments(node)) nameNode = node.expression;
  else if (ts.isInterfaceDeclaration(node) || ts.isClassDeclaration(node)) nameNode = node.name;
  if (!nameNode || !ts.isIdentifier(nameNode) || !Object.hasOwn(BINDING_TYPE_SCHEMAS, nameNode.text)) {
    return undefined;
  }
  // Only the globals (lib.*.d.ts, workers-types): a model type that happened to share the name stays structural.
  const symbol = checker.getSymbolAtLocation(nameNode);
  const declarations = symbol?.declarations ?? [];
  const global = declarations.length > 0 && declarations.every((d) => d.getSourceFile().isDeclarationFile);
  return global ? nameNode.text : undefined;
}

/** Parses references to (and declarations of) binding-only types into {@link BindingType}. */
class BindingTypeNodeParser implements SubNodeParser {
  constructor(private readonly checker: ts.TypeChecker) {}
  supportsNode(node: ts.Node): boolean {
    return bindingTypeName(node, this.checker) !== undefined;
  }
  createType(node: ts.Node, _context: Context): BaseType {
    return new BindingType(bindingTypeName(node, this.checker) as string);
  }
}

/** Formats {@link BindingType} with its fixed schema. */
class BindingTypeFormatter implements SubTypeFormatter {
  supportsType(type: BaseType): boolean {
    return type instanceof BindingType;
  }
  getDefinition(type: BaseType): Definition {
    return structuredClone(BINDING_TYPE_SCHEMAS[(type as BindingType).bindingName] as Definition);
  }
  getChildren(): BaseType[] {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// Draft-07 → 2020-12
// ---------------------------------------------------------------------------------------------

type SchemaObject = { [keyword: string]: unknown };

const isObject = (v: unknown): v is SchemaObject => typeof v === 'object' && v !== null && !Array.isArray(v);

const mapValues = (v: unknown, f: (s: unknown) => unknown): unknown =>
  isObject(v) ? Object.fromEntries(Object.entries(v).map(([k, s]) => [k, f(s)])) : v;

/**
 * Rewrites a draft-07 schema (what ts-json-schema-generator emits) as 2020-12, and opens closed
 * objects (drops `additionalProperties: false`, see {@link GENERATOR_CONFIG} for why). Walks
 * keywords, not raw keys, so a property *named* `items` or `$ref`, or a `default` value, is never
 * rewritten. Key order is preserved so the output stays stable.
 */
export function draft07To2020(schema: unknown): JsonSchema {
  if (!isObject(schema)) return schema as JsonSchema;
  const out: SchemaObject = {};
  for (const [keyword, value] of Object.entries(schema)) {
    switch (keyword) {
      case '$schema':
        break; // only the document root states the dialect
      case '$ref':
        out.$ref = typeof value === 'string' ? value.replace(/^#\/definitions\//, '#/$defs/') : value;
        break;
      case 'definitions':
      case '$defs':
        out.$defs = mapValues(value, draft07To2020);
        break;
      case 'properties':
      case 'patternProperties':
      case 'dependentSchemas':
        out[keyword] = mapValues(value, draft07To2020);
        break;
      case 'items':
        if (Array.isArray(value)) {
          // Tuple form: draft-07 `items: [..]` + `additionalItems` is 2020's `prefixItems` + `items`.
          out.prefixItems = value.map(draft07To2020);
          if ('additionalItems' in schema) out.items = draft07To2020(schema.additionalItems);
        } else {
          out.items = draft07To2020(value);
        }
        break;
      case 'additionalItems':
        break; // handled with `items`; without a tuple `items` it has no effect in draft-07
      case 'dependencies':
        for (const [name, dep] of Object.entries(isObject(value) ? value : {})) {
          const target = Array.isArray(dep) ? 'dependentRequired' : 'dependentSchemas';
          const bucket = (out[target] ??= {}) as SchemaObject;
          bucket[name] = Array.isArray(dep) ? dep : draft07To2020(dep);
        }
        break;
      case 'anyOf':
      case 'allOf':
      case 'oneOf':
        out[keyword] = Array.isArray(value) ? value.map(draft07To2020) : value;
        break;
      case 'additionalProperties':
        if (value !== false) out.additionalProperties = draft07To2020(value);
        break;
      case 'not':
      case 'if':
      case 'then':
      case 'else':
      case 'contains':
      case 'propertyNames':
        out[keyword] = draft07To2020(value);
        break;
      default:
        out[keyword] = value;
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Reading AiModels
// ---------------------------------------------------------------------------------------------

/** Compiler options for reading workers-types: its own globals plus the ES library, no DOM, no @types. */
const COMPILER_OPTIONS: ts.CompilerOptions = {
  noEmit: true,
  strict: true,
  target: ts.ScriptTarget.ES2022,
  lib: ['lib.es2023.d.ts'],
  types: [],
  skipLibCheck: true,
};

/**
 * A compiler host that serves one in-memory root file and parses every other file once, so the
 * two programs below (list the models, then generate) share the 18k-line workers-types parse.
 */
function createHost(virtualFile: string, getVirtualText: () => string): ts.CompilerHost {
  const host = ts.createCompilerHost(COMPILER_OPTIONS, true);
  const cache = new Map<string, ts.SourceFile>();
  const { getSourceFile, fileExists, readFile: read } = host;
  host.fileExists = (f) => f === virtualFile || fileExists.call(host, f);
  host.readFile = (f) => (f === virtualFile ? getVirtualText() : read.call(host, f));
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreate) => {
    if (fileName === virtualFile) {
      return ts.createSourceFile(fileName, getVirtualText(), languageVersion, true);
    }
    let sf = cache.get(fileName);
    if (!sf) {
      sf = getSourceFile.call(host, fileName, languageVersion, onError, shouldCreate);
      if (sf) cache.set(fileName, sf);
    }
    return sf;
  };
  return host;
}

/**
 * Lists `AiModels` in declaration order, with the checker (so merged declarations count too).
 * The class is the name the property's type annotation uses.
 */
function listAiModelsInProgram(program: ts.Program, typesFile: string): AiModelEntry[] {
  const checker = program.getTypeChecker();
  const sourceFile = program.getSourceFile(typesFile);
  const decl = sourceFile?.statements.find(
    (s): s is ts.InterfaceDeclaration => ts.isInterfaceDeclaration(s) && s.name.text === 'AiModels',
  );
  if (!decl) throw new Error(`interface AiModels not found in ${typesFile}`);
  const symbol = checker.getSymbolAtLocation(decl.name);
  if (!symbol) throw new Error('AiModels has no symbol');
  return checker.getPropertiesOfType(checker.getDeclaredTypeOfSymbol(symbol)).map((prop) => {
    const propDecl = prop.valueDeclaration ?? prop.declarations?.[0];
    const typeNode = propDecl && ts.isPropertySignature(propDecl) ? propDecl.type : undefined;
    if (!typeNode || !ts.isTypeReferenceNode(typeNode)) {
      throw new Error(`AiModels["${prop.name}"] is not a reference to a class`);
    }
    return { id: prop.name, class: typeNode.typeName.getText() };
  });
}

/** Source of the in-memory root file: one exported alias per model input and output. */
function aliasesSource(typesFile: string, models: readonly AiModelEntry[]): string {
  const lines = [`/// <reference path=${JSON.stringify(typesFile)} />`, 'export {};'];
  models.forEach((m, i) => {
    const key = JSON.stringify(m.id);
    lines.push(`export type Input_${i} = AiModels[${key}]["inputs"];`);
    lines.push(`export type Output_${i} = AiModels[${key}]["postProcessedOutputs"];`);
  });
  return `${lines.join('\n')}\n`;
}

// ---------------------------------------------------------------------------------------------
// Generation
// ---------------------------------------------------------------------------------------------

/**
 * Generator settings.
 * - `expose: 'none'`: named types are inlined, so each document is self-contained and readable;
 *   only recursive types end up in `$defs`.
 * - Objects are open in the output (no `additionalProperties: false`): the REST API ignores unknown
 *   fields, and the types omit fields the docs describe; closed objects would make the contract
 *   reject requests and answers the API accepts. The generator still runs with its default
 *   `additionalProperties: false`, because with `true` it resolves `Omit<A & B, K>` wrongly (looking up
 *   a key of A in B yields "any", so `messages: Array<X>` became `allOf: [array, object]`);
 *   {@link draft07To2020} drops the `false` afterwards.
 * - `skipTypeCheck`: workers-types is checked by its publisher; re-checking costs seconds.
 */
const GENERATOR_CONFIG: CompletedConfig = {
  ...tsj.DEFAULT_CONFIG,
  expose: 'none',
  topRef: false,
  jsDoc: 'extended',
  skipTypeCheck: true,
  additionalProperties: false,
  sortProps: true,
};

/** The generator's draft-07 output for one root alias: its own definition plus what it references. */
interface GeneratedRoot {
  root: JsonSchema;
  definitions: Record<string, unknown>;
}

function generateRoot(generator: InstanceType<typeof tsj.SchemaGenerator>, node: ts.Node): GeneratedRoot {
  const { definitions = {}, ...root } = generator.createSchemaFromNodes([node]) as SchemaObject;
  return { root: draft07To2020(root), definitions: definitions as Record<string, unknown> };
}

/** Builds one model's document; the generator's shared definitions sit next to `input` and `output`. */
function modelDocument(
  model: AiModelEntry,
  version: string,
  input: GeneratedRoot,
  output: GeneratedRoot,
): SchemaObject {
  const file = modelFileName(model.id);
  const $defs: SchemaObject = { input: input.root, output: output.root };
  for (const [name, def] of [...Object.entries(input.definitions), ...Object.entries(output.definitions)]) {
    const converted = draft07To2020(def);
    if (name in $defs && JSON.stringify($defs[name]) !== JSON.stringify(converted)) {
      throw new Error(`${model.id}: generated definition "${name}" collides with another $defs entry`);
    }
    $defs[name] = converted;
  }
  return {
    $schema: JSON_SCHEMA_2020,
    $id: `models/generated/${file}`,
    title: model.id,
    $comment:
      `Generated by npm run spec:generate from @cloudflare/workers-types@${version} (${model.class}). ` +
      'Do not edit; put documented constraints in spec/models/overlay.yaml.',
    $defs,
  };
}

const toJson = (value: unknown): string => `${JSON.stringify(value, null, 2)}\n`;

/**
 * Generates every file of `spec/models/generated/` in memory: one JSON Schema 2020-12 document per
 * `AiModels` entry (`$defs.input`, `$defs.output`) and `index.json`. Pure: reads the types package,
 * writes nothing. Deterministic for a given package version.
 *
 * @param typesDir folder of the `@cloudflare/workers-types` package (see {@link defaultTypesDir})
 * @returns file name (relative to `spec/models/generated/`) → file text, `index.json` last
 */
export async function generateModelSchemas(typesDir: string): Promise<Map<string, string>> {
  const typesFile = path.resolve(typesDir, 'index.d.ts');
  const pkg = JSON.parse(await readFile(path.join(typesDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };

  // The root file lives next to the types (never written): only its contents matter.
  const virtualFile = path.join(path.resolve(typesDir), '__wai_ai_models__.ts');
  let virtualText = `/// <reference path=${JSON.stringify(typesFile)} />\nexport {};\n`;
  const host = createHost(virtualFile, () => virtualText);

  const listing = ts.createProgram([virtualFile], COMPILER_OPTIONS, host);
  const models = listAiModelsInProgram(listing, typesFile);
  assertUniqueFileNames(models);

  virtualText = aliasesSource(typesFile, models);
  const program = ts.createProgram([virtualFile], COMPILER_OPTIONS, host, listing);
  const generator = new tsj.SchemaGenerator(
    program,
    tsj.createParser(program, GENERATOR_CONFIG, (parser) => {
      parser.addNodeParser(new BindingTypeNodeParser(program.getTypeChecker()));
    }),
    tsj.createFormatter(GENERATOR_CONFIG, (formatter) => {
      formatter.addTypeFormatter(new BindingTypeFormatter());
    }),
    GENERATOR_CONFIG,
  );
  const aliases = new Map<string, ts.TypeAliasDeclaration>();
  for (const statement of program.getSourceFile(virtualFile)?.statements ?? []) {
    if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement);
  }
  const alias = (name: string): ts.TypeAliasDeclaration => {
    const node = aliases.get(name);
    if (!node) throw new Error(`generated alias ${name} missing`);
    return node;
  };

  const files = new Map<string, string>();
  const index: GeneratedModelIndex = { package: pkg.name, version: pkg.version, models: [] };
  models.forEach((model, i) => {
    let input: GeneratedRoot;
    let output: GeneratedRoot;
    try {
      input = generateRoot(generator, alias(`Input_${i}`));
      output = generateRoot(generator, alias(`Output_${i}`));
    } catch (error) {
      throw new Error(`${model.id} (${model.class}): ${String(error)}`, { cause: error });
    }
    const file = modelFileName(model.id);
    files.set(file, toJson(modelDocument(model, pkg.version, input, output)));
    index.models.push({ id: model.id, class: model.class, file });
  });
  files.set(INDEX_FILE, toJson(index));
  return files;
}

/** Model files must not collide, not even on a case-insensitive file system. */
function assertUniqueFileNames(models: readonly AiModelEntry[]): void {
  const seen = new Map<string, string>();
  for (const { id } of models) {
    const key = modelFileName(id).toLowerCase();
    const other = seen.get(key);
    if (other !== undefined || key === INDEX_FILE) {
      throw new Error(`model ${id} would share its file with ${other ?? INDEX_FILE}`);
    }
    seen.set(key, id);
  }
}
