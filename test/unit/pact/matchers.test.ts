import { describe, expect, it } from 'vitest';
import { ANYTHING, childPath, deriveMatching, isPortablePattern, matchingRulesFor } from '../../../src/pact/matchers.js';
import type { PactRules } from '../../../src/pact/types.js';

const and = (...matchers: object[]) => ({ combine: 'AND', matchers });
const or = (...matchers: object[]) => ({ combine: 'OR', matchers });

describe('matchingRulesFor: JSON Schema → Pact V4 matching rules', () => {
  const table: { name: string; schema: Record<string, unknown>; example: unknown; rules: PactRules | Record<string, unknown> }[] = [
    { name: 'a string is matched by type', schema: { type: 'string' }, example: 'hi', rules: { $: and({ match: 'type' }) } },
    { name: 'an integer by integer', schema: { type: 'integer', minimum: 1 }, example: 3, rules: { $: and({ match: 'integer' }) } },
    { name: 'a number by number, even when the example is whole', schema: { type: 'number' }, example: 1, rules: { $: and({ match: 'number' }) } },
    { name: 'a boolean by boolean', schema: { type: 'boolean' }, example: false, rules: { $: and({ match: 'boolean' }) } },
    { name: 'a const exactly', schema: { const: 'chat.completion' }, example: 'chat.completion', rules: { $: and({ match: 'equality' }) } },
    { name: 'an enum of one exactly', schema: { type: 'string', enum: ['x'] }, example: 'x', rules: { $: and({ match: 'equality' }) } },
    { name: 'an enum by an anchored alternation', schema: { type: 'string', enum: ['stop', 'tool.calls'] }, example: 'stop', rules: { $: and({ match: 'regex', regex: '^(stop|tool\\.calls)$' }) } },
    { name: 'a pattern by regex', schema: { type: 'string', pattern: '^[a-z]{2}$' }, example: 'en', rules: { $: and({ match: 'regex', regex: '^[a-z]{2}$' }) } },
    { name: 'a pattern Rust cannot run by type', schema: { type: 'string', pattern: '^(?=a)a$' }, example: 'a', rules: { $: and({ match: 'type' }) } },
    {
      name: 'an array by type with min and max, its items by [*]',
      schema: { type: 'array', minItems: 2, maxItems: 5, items: { type: 'number' } },
      example: [0.5, 0.25],
      rules: { $: and({ match: 'type', min: 2, max: 5 }), '$[*]': and({ match: 'number' }) },
    },
    {
      name: 'objects by their fields (no rule of their own)',
      schema: { type: 'object', required: ['a', 'b'], properties: { a: { type: 'string' }, b: { type: 'object', properties: { c: { type: 'integer' } } } } },
      example: { a: 'x', b: { c: 1 } },
      rules: { '$.a': and({ match: 'type' }), '$.b.c': and({ match: 'integer' }) },
    },
    { name: 'a nullable primitive by type OR null', schema: { type: ['string', 'null'] }, example: 'x', rules: { $: or({ match: 'type' }, { match: 'null' }) } },
    {
      name: 'a union of primitives by OR (v4 error codes: integer or digit string)',
      schema: { anyOf: [{ type: 'integer' }, { type: 'string', pattern: '^[0-9]+$' }] },
      example: 5006,
      rules: { $: or({ match: 'integer' }, { match: 'regex', regex: '^[0-9]+$' }) },
    },
    { name: 'string literals of a union in one regex', schema: { anyOf: [{ const: 'a' }, { const: 'b' }] }, example: 'a', rules: { $: and({ match: 'regex', regex: '^(a|b)$' }) } },
    {
      name: 'allOf: the rules of every branch',
      schema: { allOf: [{ type: 'object', properties: { a: { type: 'string' } } }, { type: 'object', properties: { b: { type: 'integer' } } }] },
      example: { a: 'x', b: 2 },
      rules: { '$.a': and({ match: 'type' }), '$.b': and({ match: 'integer' }) },
    },
    {
      name: 'the async {request_id} branch is not an answer to a direct request',
      schema: { anyOf: [{ type: 'object', required: ['text'], properties: { text: { type: 'string' } } }, { type: 'object', required: ['request_id'], properties: { request_id: { type: 'string' } } }] },
      example: { text: 'hola' },
      rules: { '$.text': and({ match: 'type' }) },
    },
    { name: 'keys that need brackets', schema: { type: 'object', properties: { 'content-type': { type: 'string' } } }, example: { 'content-type': 'x' }, rules: { "$['content-type']": and({ match: 'type' }) } },
  ];

  for (const { name, schema, example, rules } of table) {
    it(name, () => {
      expect(matchingRulesFor(schema, example)).toEqual(rules);
    });
  }

  it('places rules under a root path (an envelope payload)', () => {
    expect(matchingRulesFor({ type: 'object', properties: { response: { type: 'string' } } }, { response: 'hi' }, '$.result')).toEqual({ '$.result.response': and({ match: 'type' }) });
  });
});

describe('deriveMatching: what Pact cannot state is left to the contract', () => {
  it('states a structure that may be null as a null example any value matches', () => {
    const schema = { type: 'object', properties: { logprobs: { anyOf: [{ type: 'object', properties: { content: { type: 'array' } } }, { type: 'null' }] } } };
    const derived = deriveMatching(schema, { logprobs: { content: [1] } });
    expect(derived.example).toEqual({ logprobs: null });
    expect(derived.rules).toEqual({ '$.logprobs': or({ match: 'null' }, ANYTHING) });
  });

  it('leaves out a field whose shape differs between the branches a provider may answer', () => {
    const schema = {
      anyOf: [
        { type: 'object', required: ['response'], properties: { response: { type: 'array', items: { type: 'object', properties: { id: { type: 'integer' } } } } } },
        { type: 'object', required: ['response'], properties: { response: { type: 'array', items: { type: 'array', items: { type: 'number' } } } } },
      ],
    };
    const derived = deriveMatching(schema, { response: [{ id: 1 }] }, '$.result');
    expect(derived.example).toEqual({});
    expect(derived.rules).toEqual({});
  });

  it('keeps what every branch shares', () => {
    const schema = {
      anyOf: [
        { type: 'object', properties: { id: { type: 'string' }, object: { const: 'chat.completion' }, choices: { type: 'array' } } },
        { type: 'object', properties: { id: { type: 'string' }, object: { const: 'text_completion' } } },
      ],
    };
    const derived = deriveMatching(schema, { id: 'x', object: 'chat.completion', choices: [] });
    expect(derived.example).toEqual({ id: 'x', object: 'chat.completion' });
    expect(derived.rules).toEqual({ '$.id': and({ match: 'type' }), '$.object': and({ match: 'regex', regex: '^(chat\\.completion|text_completion)$' }) });
  });
});

describe('helpers', () => {
  it('childPath uses dots for plain keys and brackets for others', () => {
    expect(childPath('$', 'a_b')).toBe('$.a_b');
    expect(childPath('$', "it's")).toBe("$['it\\'s']");
  });

  it('isPortablePattern refuses what Rust regex lacks', () => {
    expect(isPortablePattern('^[0-9]+$')).toBe(true);
    expect(isPortablePattern('(?<=a)b')).toBe(false);
    expect(isPortablePattern('(a)\\1')).toBe(false);
    expect(isPortablePattern('[')).toBe(false);
  });
});
