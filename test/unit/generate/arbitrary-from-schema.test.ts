/** @module arbitraryFromSchema: every keyword the contract uses, judged by the project's ajv (the oracle). */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createAjv } from '../../../src/contract/ajv.js';
import type { JsonSchema } from '../../../src/contract/types.js';
import { arbitraryFromSchema, SchemaGenerationError, type ArbitraryOptions } from '../../../src/generate/arbitrary-from-schema.js';
import { mediaSamples, toBase64 } from '../../../src/generate/media.js';

const ajv = createAjv();
const RUNS = 200;

/** Samples `schema` and asserts every sample is valid (ajv); returns the samples for coverage checks. */
function samplesOf(schema: JsonSchema, options: ArbitraryOptions = {}, numRuns = RUNS, seed = 7): unknown[] {
  const validate = ajv.compile(typeof schema === 'boolean' ? schema : { ...schema });
  const values = fc.sample(arbitraryFromSchema(schema, options), { numRuns, seed });
  for (const value of values) {
    const wire = JSON.parse(JSON.stringify(value ?? null)) as unknown;
    expect(validate(wire), `${JSON.stringify(value)}: ${JSON.stringify(validate.errors)}`).toBe(true);
  }
  return values;
}

const lengths = (values: unknown[]): number[] => values.map((v) => [...(v as string)].length);
const distinct = (values: unknown[]): Set<string> => new Set(values.map((v) => JSON.stringify(v)));

/** A keyword, a schema using it, and what the samples must show for the keyword to count as covered. */
const KEYWORDS: [string, JsonSchema, (values: unknown[]) => void][] = [
  ['type: string', { type: 'string' }, (v) => expect(v.every((x) => typeof x === 'string') && v.some((x) => (x as string).length > 0)).toBe(true)],
  ['type: integer', { type: 'integer' }, (v) => expect(v.every(Number.isInteger)).toBe(true)],
  ['type: number (fractions too)', { type: 'number' }, (v) => expect(v.some((x) => !Number.isInteger(x))).toBe(true)],
  ['type: boolean', { type: 'boolean' }, (v) => expect(distinct(v)).toEqual(new Set(['true', 'false']))],
  ['type: null', { type: 'null' }, (v) => expect(distinct(v)).toEqual(new Set(['null']))],
  ['type list', { type: ['string', 'null'] }, (v) => expect(new Set(v.map((x) => (x === null ? 'null' : typeof x)))).toEqual(new Set(['string', 'null']))],
  ['enum', { enum: ['a', 'b', 3, null] }, (v) => expect(distinct(v)).toEqual(new Set(['"a"', '"b"', '3', 'null']))],
  ['enum filtered by type', { type: 'string', enum: ['a', 1] }, (v) => expect(distinct(v)).toEqual(new Set(['"a"']))],
  ['const', { const: { a: [1, 'x'] } }, (v) => expect(distinct(v)).toEqual(new Set(['{"a":[1,"x"]}']))],
  ['minLength / maxLength', { type: 'string', minLength: 3, maxLength: 5 }, (v) => expect(new Set(lengths(v))).toEqual(new Set([3, 4, 5]))],
  ['minLength above the default cap', { type: 'string', minLength: 50 }, (v) => expect(Math.min(...lengths(v))).toBe(50)],
  ['unbounded strings stay small', { type: 'string' }, (v) => expect(Math.max(...lengths(v))).toBeLessThanOrEqual(40)],
  ['minimum / maximum', { type: 'integer', minimum: 3, maximum: 7 }, (v) => expect(distinct(v)).toEqual(new Set(['3', '4', '5', '6', '7']))],
  ['exclusiveMinimum / exclusiveMaximum', { type: 'number', exclusiveMinimum: 0, exclusiveMaximum: 1 }, (v) => expect(v.every((x) => (x as number) > 0 && (x as number) < 1)).toBe(true)],
  ['integer exclusive bounds', { type: 'integer', exclusiveMinimum: 1, exclusiveMaximum: 4 }, (v) => expect(distinct(v)).toEqual(new Set(['2', '3']))],
  ['integers beyond 32 bits', { type: 'integer', minimum: 1, maximum: 9_999_999_999 }, (v) => expect(v.some((x) => (x as number) > 2 ** 31)).toBe(true)],
  ['one-sided minimum', { type: 'number', minimum: 1_000_000 }, (v) => expect(v.every((x) => (x as number) >= 1_000_000)).toBe(true)],
  ['multipleOf', { type: 'number', multipleOf: 0.5, minimum: 0, maximum: 3 }, (v) => expect(distinct(v).size).toBeGreaterThan(3)],
  ['pattern', { type: 'string', pattern: '^[a-z]{2}-[A-Z]{2}$' }, (v) => expect(v.every((x) => /^[a-z]{2}-[A-Z]{2}$/.test(x as string))).toBe(true)],
  ['pattern + maxLength', { type: 'string', pattern: '^data:', maxLength: 12 }, (v) => expect(v.every((x) => (x as string).startsWith('data:'))).toBe(true)],
  ['format: date-time', { type: 'string', format: 'date-time' }, (v) => expect(v.every((x) => !Number.isNaN(Date.parse(x as string)))).toBe(true)],
  ['format: date', { type: 'string', format: 'date' }, (v) => expect(v.every((x) => /^\d{4}-\d\d-\d\d$/.test(x as string))).toBe(true)],
  ['format: time', { type: 'string', format: 'time' }, (v) => expect(v.length).toBe(RUNS)],
  ['format: uri', { type: 'string', format: 'uri' }, (v) => expect(v.every((x) => /^https?:\/\//.test(x as string))).toBe(true)],
  ['format: uuid', { type: 'string', format: 'uuid' }, (v) => expect(v.every((x) => /^[0-9a-f-]{36}$/.test(x as string))).toBe(true)],
  ['format: email', { type: 'string', format: 'email' }, (v) => expect(v.every((x) => (x as string).includes('@'))).toBe(true)],
  ['format: hostname, ipv4, ipv6', { anyOf: [{ type: 'string', format: 'hostname' }, { type: 'string', format: 'ipv4' }, { type: 'string', format: 'ipv6' }] }, (v) => expect(distinct(v).size).toBeGreaterThan(10)],
  ['format: byte', { type: 'string', format: 'byte' }, (v) => expect(v.every((x) => Buffer.from(x as string, 'base64').toString('base64') === x)).toBe(true)],
  ['format: binary', { type: 'string', format: 'binary', maxLength: 5 }, (v) => expect(Math.max(...lengths(v))).toBeLessThanOrEqual(5)],
  ['contentEncoding: base64', { type: 'string', contentEncoding: 'base64', minLength: 1 }, (v) => expect(v.every((x) => /^[A-Za-z0-9+/]+=*$/.test(x as string))).toBe(true)],
  ['items / minItems / maxItems', { type: 'array', items: { type: 'integer' }, minItems: 2, maxItems: 3 }, (v) => expect(new Set(v.map((x) => (x as unknown[]).length))).toEqual(new Set([2, 3]))],
  ['unbounded arrays stay small', { type: 'array', items: { type: 'string' } }, (v) => expect(Math.max(...v.map((x) => (x as unknown[]).length))).toBe(4)],
  ['minItems above the default cap', { type: 'array', items: { type: 'boolean' }, minItems: 9 }, (v) => expect(Math.min(...v.map((x) => (x as unknown[]).length))).toBe(9)],
  ['prefixItems + items: false', { type: 'array', prefixItems: [{ type: 'string' }, { type: 'integer' }], items: false }, (v) => expect(v.every((x) => (x as unknown[]).length === 2)).toBe(true)],
  ['prefixItems + items', { type: 'array', prefixItems: [{ const: 'head' }], items: { type: 'integer' }, minItems: 2 }, (v) => expect(v.every((x) => (x as unknown[])[0] === 'head' && (x as unknown[]).length >= 2)).toBe(true)],
  ['uniqueItems', { type: 'array', items: { enum: [1, 2, 3] }, uniqueItems: true, minItems: 3 }, (v) => expect(distinct(v).size).toBeGreaterThan(1)],
  ['required and optional properties', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'integer' } }, required: ['a'] }, (v) => {
    expect(v.every((x) => 'a' in (x as object))).toBe(true);
    expect(v.some((x) => 'b' in (x as object)) && v.some((x) => !('b' in (x as object)))).toBe(true);
  }],
  ['additionalProperties: false', { type: 'object', properties: { a: { type: 'string' } }, additionalProperties: false }, (v) => expect(v.every((x) => Object.keys(x as object).every((k) => k === 'a'))).toBe(true)],
  ['additionalProperties as a map', { type: 'object', additionalProperties: { type: 'integer', minimum: 5 } }, (v) => expect(v.some((x) => Object.keys(x as object).length > 0)).toBe(true)],
  ['required property beyond properties', { type: 'object', properties: {}, required: ['extra'], additionalProperties: { type: 'boolean' } }, (v) => expect(v.every((x) => typeof (x as { extra: unknown }).extra === 'boolean')).toBe(true)],
  ['nested arrays and objects', { type: 'object', properties: { rows: { type: 'array', minItems: 1, items: { type: 'object', properties: { cells: { type: 'array', minItems: 1, items: { type: 'number' } } }, required: ['cells'] } } }, required: ['rows'] }, (v) => expect(v.every((x) => (x as { rows: { cells: number[] }[] }).rows[0]!.cells.length >= 1)).toBe(true)],
  ['oneOf: every branch, exactly one', { oneOf: [{ type: 'string' }, { type: 'integer', minimum: 0 }, { type: 'object', properties: { k: { const: 1 } }, required: ['k'] }] }, (v) => expect(new Set(v.map((x) => typeof x))).toEqual(new Set(['string', 'number', 'object']))],
  ['oneOf whose branches overlap', { oneOf: [{ type: 'integer', minimum: 0, maximum: 10 }, { type: 'integer', minimum: 5, maximum: 20 }] }, (v) => expect(v.every((x) => (x as number) < 5 || (x as number) > 10)).toBe(true)],
  ['anyOf: every branch', { anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'boolean' }] }, (v) => expect(new Set(v.map((x) => Array.isArray(x)))).toEqual(new Set([true, false]))],
  ['anyOf beside properties', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' } }, anyOf: [{ required: ['a'] }, { required: ['b'] }] }, (v) => expect(v.every((x) => 'a' in (x as object) || 'b' in (x as object))).toBe(true)],
  ['allOf (merged)', { allOf: [{ type: 'object', properties: { a: { type: 'string' } }, required: ['a'] }, { properties: { b: { type: 'integer', maximum: 3 } }, required: ['b'] }, { properties: { b: { minimum: 1 } } }] }, (v) => expect(v.every((x) => 'a' in (x as object) && [1, 2, 3].includes((x as { b: number }).b))).toBe(true)],
  ['allOf with conflicting patterns', { allOf: [{ type: 'string', pattern: '^a' }, { pattern: 'z$' }] }, (v) => expect(v.every((x) => /^a.*z$/su.test(x as string))).toBe(true)],
  ['not', { type: 'integer', minimum: 0, maximum: 3, not: { const: 2 } }, (v) => expect(distinct(v)).toEqual(new Set(['0', '1', '3']))],
  ['$ref within the document', { $defs: { word: { type: 'string', minLength: 2, maxLength: 2 } }, type: 'array', items: { $ref: '#/$defs/word' }, minItems: 1 }, (v) => expect(v.every((x) => (x as string[]).every((w) => [...w].length === 2))).toBe(true)],
  ['$ref with siblings', { $defs: { n: { type: 'integer', minimum: 0 } }, $ref: '#/$defs/n', maximum: 2 }, (v) => expect(distinct(v)).toEqual(new Set(['0', '1', '2']))],
  ['recursive $ref (optional) terminates', { $defs: { node: { type: 'object', properties: { child: { $ref: '#/$defs/node' } } } }, $ref: '#/$defs/node' }, (v) => expect(v.some((x) => JSON.stringify(x).startsWith('{"child":{"child":'))).toBe(true)],
  ['boolean schema true', true, (v) => expect(distinct(v).size).toBeGreaterThan(10)],
  ['property with schema false', { type: 'object', properties: { gone: false, kept: { type: 'boolean' } } }, (v) => expect(v.every((x) => !('gone' in (x as object)))).toBe(true)],
  ['free-form object', { type: 'object' }, (v) => expect(v.some((x) => Object.keys(x as object).length > 0)).toBe(true)],
  ['minProperties / maxProperties on a map', { type: 'object', additionalProperties: { type: 'boolean' }, minProperties: 1, maxProperties: 2 }, (v) => expect(new Set(v.map((x) => Object.keys(x as object).length))).toEqual(new Set([1, 2]))],
  ['minProperties beyond the default extras', { type: 'object', additionalProperties: { type: 'integer' }, minProperties: 5 }, (v) => expect(Math.min(...v.map((x) => Object.keys(x as object).length))).toBe(5)],
  ['maxProperties over declared properties', { type: 'object', properties: { a: { type: 'string' }, b: { type: 'string' }, c: { type: 'string' } }, maxProperties: 1, additionalProperties: false }, (v) => expect(v.every((x) => Object.keys(x as object).length <= 1)).toBe(true)],
  ['annotations are ignored', { type: 'integer', title: 't', description: 'd', default: 3, examples: [1], deprecated: true, example: 4, minimum: 5, maximum: 5 }, (v) => expect(distinct(v)).toEqual(new Set(['5']))],
];

describe('arbitraryFromSchema: keywords', () => {
  it.each(KEYWORDS)('%s', (_name, schema, covered) => {
    covered(samplesOf(schema));
  });
});

describe('arbitraryFromSchema: contract bugs fail loudly, naming the schema pointer', () => {
  const failures: [string, JsonSchema, RegExp][] = [
    ['an unsupported keyword', { type: 'object', properties: { a: { type: 'object', patternProperties: { '^x': true } } } }, /#\/properties\/a: keyword "patternProperties" is not supported/],
    ['minimum > maximum', { type: 'object', properties: { n: { type: 'integer', minimum: 5, maximum: 4 } }, required: ['n'] }, /#\/properties\/n: no integer lies in the range/],
    ['minLength > maxLength', { type: 'string', minLength: 3, maxLength: 2 }, /#: minLength 3 > maxLength 2/],
    ['a required property additionalProperties forbids', { type: 'object', required: ['x'], additionalProperties: false }, /required property "x" is forbidden/],
    ['an unknown format', { type: 'string', format: 'color' }, /format "color" is not supported/],
    ['a dangling $ref', { type: 'array', items: { $ref: '#/$defs/missing' } }, /#\/items: \$ref "#\/\$defs\/missing" does not resolve/],
    ['the false schema', false, /no value is valid/],
    ['an empty enum after typing', { type: 'integer', enum: ['a'] }, /no enum value is of type integer/],
    ['allOf without a common type', { allOf: [{ type: 'string' }, { type: 'integer' }] }, /allow no common type/],
  ];
  it.each(failures)('%s', (_name, schema, message) => {
    expect(() => arbitraryFromSchema(schema)).toThrow(SchemaGenerationError);
    expect(() => arbitraryFromSchema(schema)).toThrow(message);
  });
});

describe('arbitraryFromSchema: schemas only sampling can show unsatisfiable fail instead of hanging', () => {
  const hopeless: [string, JsonSchema][] = [
    ['too few distinct items for uniqueItems', { type: 'array', items: { enum: [1] }, uniqueItems: true, minItems: 2 }],
    ['a pattern no allowed length matches', { type: 'string', pattern: '^a$', minLength: 3 }],
    ['oneOf branches that always overlap', { oneOf: [{ type: 'integer', minimum: 0, maximum: 9 }, { type: 'integer', minimum: 0, maximum: 9 }] }],
  ];
  it.each(hopeless)('%s', (_name, schema) => {
    expect(() => fc.sample(arbitraryFromSchema(schema), { numRuns: 5, seed: 1 })).toThrow(/values in a row failed/);
  });
});

describe('arbitraryFromSchema: reproducibility and size', () => {
  const schema: JsonSchema = { type: 'object', properties: { s: { type: 'string' }, n: { type: 'number' }, a: { type: 'array', items: { type: 'integer' } } } };

  it('gives the same values for the same seed, and other values for another', () => {
    const arbitrary = arbitraryFromSchema(schema);
    expect(fc.sample(arbitrary, { numRuns: 30, seed: 99 })).toEqual(fc.sample(arbitraryFromSchema(schema), { numRuns: 30, seed: 99 }));
    expect(fc.sample(arbitrary, { numRuns: 30, seed: 99 })).not.toEqual(fc.sample(arbitrary, { numRuns: 30, seed: 100 }));
  });

  it('honours maxStringLength, maxArrayLength and numberRange', () => {
    const values = samplesOf(schema, { maxStringLength: 3, maxArrayLength: 1, numberRange: 10 }) as { s?: string; n?: number; a?: number[] }[];
    expect(Math.max(...values.map((v) => [...(v.s ?? '')].length))).toBeLessThanOrEqual(3);
    expect(Math.max(...values.map((v) => v.a?.length ?? 0))).toBeLessThanOrEqual(1);
    expect(values.every((v) => v.n === undefined || Math.abs(v.n) <= 10)).toBe(true);
  });

  it('leaves optional properties out past maxDepth, keeps required ones', () => {
    const deep: JsonSchema = { $defs: { n: { type: 'object', properties: { next: { $ref: '#/$defs/n' }, v: { type: 'integer' } }, required: ['v'] } }, $ref: '#/$defs/n' };
    const depthOf = (v: unknown): number => (v && typeof v === 'object' && 'next' in v ? 1 + depthOf((v as { next: unknown }).next) : 0);
    const values = samplesOf(deep, { maxDepth: 2 });
    expect(Math.max(...values.map(depthOf))).toBe(2);
  });
});

describe('arbitraryFromSchema: hints', () => {
  const samples = mediaSamples();
  const imageBytes = [samples.png.bytes, samples.jpeg.bytes].map((b) => JSON.stringify(Array.from(b)));

  it('sends real image bytes where an `image` property is an array of uint8 numbers', () => {
    const schema: JsonSchema = { type: 'object', properties: { image: { type: 'array', items: { type: 'integer', minimum: 0, maximum: 255 } } }, required: ['image'] };
    const values = samplesOf(schema, {}, 50) as { image: number[] }[];
    expect(new Set(values.map((v) => JSON.stringify(v.image)))).toEqual(new Set(imageBytes));
  });

  it('sends base64 audio where an `audio` property is a string, and random text without hints', () => {
    const schema: JsonSchema = { type: 'object', properties: { audio: { type: 'string', contentEncoding: 'base64' } }, required: ['audio'] };
    const audio = new Set([toBase64(samples.wav.bytes), toBase64(samples.mp3.bytes)]);
    expect((samplesOf(schema, {}, 50) as { audio: string }[]).every((v) => audio.has(v.audio))).toBe(true);
    expect((samplesOf(schema, { semanticHints: false }, 50) as { audio: string }[]).some((v) => !audio.has(v.audio))).toBe(true);
  });

  it('does not hint where the schema would reject the media (a maxItems below the file size)', () => {
    const schema: JsonSchema = { type: 'object', properties: { image: { type: 'array', maxItems: 3, items: { type: 'integer', minimum: 0, maximum: 255 } } }, required: ['image'] };
    expect((samplesOf(schema, {}, 50) as { image: number[] }[]).every((v) => v.image.length <= 3)).toBe(true);
  });

  it('gives chat messages real roles and image_url parts data URLs', () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: { messages: { type: 'array', minItems: 1, items: { type: 'object', properties: { role: { type: 'string' }, content: { type: 'object', properties: { image_url: { type: 'object', properties: { url: { type: 'string', pattern: '^data:' } }, required: ['url'] } }, required: ['image_url'] } }, required: ['role', 'content'] } } },
      required: ['messages'],
    };
    const messages = (samplesOf(schema, {}, 50) as { messages: { role: string; content: { image_url: { url: string } } }[] }[]).flatMap((v) => v.messages);
    expect(new Set(messages.map((m) => m.role))).toEqual(new Set(['user', 'system', 'assistant']));
    expect(messages.every((m) => /^data:image\/(png|jpeg);base64,/.test(m.content.image_url.url))).toBe(true);
  });

  it("sends a decision model's `images` as real data URLs or agreeing {content_type, base64} pairs", () => {
    const schema: JsonSchema = {
      type: 'object',
      properties: {
        images: {
          type: 'array',
          minItems: 1,
          items: { anyOf: [{ type: 'string', pattern: '^[Dd][Aa][Tt][Aa]:' }, { type: 'object', properties: { content_type: { type: 'string' }, base64: { type: 'string' } }, required: ['content_type', 'base64'] }] },
        },
      },
      required: ['images'],
    };
    const images = (samplesOf(schema, {}, 50) as { images: unknown[] }[]).flatMap((v) => v.images);
    const urls = images.filter((i): i is string => typeof i === 'string');
    const pairs = images.filter((i): i is { content_type: string; base64: string } => typeof i === 'object');
    expect(urls.length > 0 && pairs.length > 0).toBe(true);
    expect(urls.every((u) => /^data:image\/(png|jpeg);base64,/.test(u))).toBe(true);
    for (const { content_type, base64 } of pairs) {
      const sample = Object.values(samples).find((m) => m.contentType === content_type)!;
      expect(base64).toBe(toBase64(sample.bytes));
    }
  });

  it('applies caller hints: narrow, include and exclude', () => {
    const schema: JsonSchema = { type: 'object', properties: { max_tokens: { type: ['integer', 'null'], minimum: 1 }, root: { oneOf: [{ type: 'string', format: 'binary' }, { type: 'boolean' }] } } };
    const values = samplesOf(schema, {
      hints: [
        ({ name }) => (name === 'max_tokens' ? { narrow: { type: 'integer', maximum: 8 }, include: true } : undefined),
        ({ path, schema: s }) => (path.at(-1) === 'root' && s.format === 'binary' ? { exclude: true } : undefined),
      ],
    }) as { max_tokens: number; root?: unknown }[];
    expect(values.every((v) => Number.isInteger(v.max_tokens) && v.max_tokens >= 1 && v.max_tokens <= 8)).toBe(true);
    expect(values.every((v) => v.root === undefined || typeof v.root === 'boolean')).toBe(true);
  });
});
