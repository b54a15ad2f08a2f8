import { describe, expect, it } from 'vitest';
import type { ErrorObject } from 'ajv';
import { loadContract } from '../../../src/contract/load.js';
import { isLargerThan, MAX_EXPLAINED_ERRORS, shortJson, toSchemaErrors } from '../../../src/contract/schema-errors.js';

const contract = loadContract();
const llama = contract.model('@cf/meta/llama-3.1-8b-instruct')!;

/** `depth` nested arrays: `[[[...]]]`, built without recursion. */
function nested(depth: number): unknown {
  let value: unknown = [];
  for (let i = 1; i < depth; i++) value = [value];
  return value;
}

/** A synthetic ajv error (what toSchemaErrors reads of it). */
function ajvError(instancePath: string, schemaPath: string, keyword: string, params: Record<string, unknown> = {}): ErrorObject {
  return { instancePath, schemaPath, keyword, params } as ErrorObject;
}

describe('shortJson', () => {
  it('renders 50,000 nested arrays in at most max characters, without overflowing the stack', () => {
    const text = shortJson(nested(50_000), 40);
    expect(text.length).toBeLessThanOrEqual(40);
    expect(text.startsWith('[[[[')).toBe(true);
  });

  it('matches JSON.stringify on small values and cuts long ones', () => {
    for (const value of [null, 1, 'a"b', [1, 'x', null], { a: { b: [true, false] }, c: 'd' }, { skip: undefined, n: Number.NaN }]) {
      expect(shortJson(value, 200)).toBe(JSON.stringify(value));
    }
    expect(shortJson('x'.repeat(1_000_000), 10)).toBe(`${'"xxxxxxxx'}…`);
    expect(shortJson(undefined)).toBe('nothing');
  });
});

describe('isLargerThan', () => {
  it('counts nodes up to the limit only, at any depth', () => {
    expect(isLargerThan({ a: [1, 2, { b: 3 }] }, 10)).toBe(false);
    expect(isLargerThan({ a: [1, 2, { b: 3 }] }, 4)).toBe(true);
    expect(isLargerThan(nested(50_000), 1000)).toBe(true);
    expect(isLargerThan(new Array(10_000_000).fill(0), 1000)).toBe(true);
  });
});

describe('toSchemaErrors', () => {
  it('explains 2,000 messages of `content: 7` with at most the capped number of errors (was quadratic: >10 s)', () => {
    const input = { messages: Array.from({ length: 2_000 }, () => ({ role: 'user', content: 7 })) };
    const started = performance.now();
    const errors = contract.validateModel(llama, 'input', input);
    // Generous: the quadratic pruning took over 10 s here, the linear one takes milliseconds.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(MAX_EXPLAINED_ERRORS);
    expect(errors.some((e) => e.instancePath.startsWith('/messages/0/content'))).toBe(true);
  });

  it('prunes alternatives per instance, in one pass over 100,000 synthetic errors', () => {
    // Each item: a oneOf whose branch 0 fails structurally at the item and branch 1 deeper (it fits).
    const errors: ErrorObject[] = [];
    const items = 25_000;
    for (let i = 0; i < items; i++) {
      const at = `/list/${i}`;
      errors.push(ajvError(at, '#/items/oneOf/0/type', 'type', { type: 'string' }));
      errors.push(ajvError(`${at}/x`, '#/items/oneOf/1/properties/x/type', 'type', { type: 'integer' }));
      errors.push(ajvError(`${at}/y`, '#/items/oneOf/1/properties/y/type', 'type', { type: 'integer' }));
      errors.push(ajvError(at, '#/items/oneOf', 'oneOf', { passingSchemas: null }));
    }
    const started = performance.now();
    const explained = toSchemaErrors(errors, { list: [] }, '', Number.POSITIVE_INFINITY);
    expect(performance.now() - started).toBeLessThan(5_000);
    // Branch 0 and the oneOf itself are dropped for every item; branch 1's two errors stay.
    expect(explained).toHaveLength(items * 2);
    expect(explained.every((e) => e.schemaPath.includes('/oneOf/1/'))).toBe(true);
  });

  it('keeps every alternative when none (or all) fit, as before', () => {
    const errors = [
      ajvError('', '#/oneOf/0/required', 'required', { missingProperty: 'a' }),
      ajvError('', '#/oneOf/1/required', 'required', { missingProperty: 'b' }),
      ajvError('', '#/oneOf', 'oneOf'),
    ];
    expect(toSchemaErrors(errors, {}).map((e) => e.keyword)).toEqual(['required', 'required', 'oneOf']);
  });

  it('describes what was found without copying huge strings', () => {
    const errors = [ajvError('/s', '#/properties/s/maxLength', 'maxLength', { limit: 3 })];
    const [error] = toSchemaErrors(errors, { s: '😀'.repeat(1_000_000) });
    expect(error!.actual).toBe('1000000 characters');
  });

  it('answers 50,000 nested arrays with a type error, not a crash', () => {
    const errors = contract.validateModel(llama, 'input', nested(50_000));
    expect(errors[0]).toMatchObject({ instancePath: '', keyword: 'type' });
    expect(errors[0]!.actual.length).toBeLessThan(80);
  });

  it('explains a document of 100,000 wrong items by its first errors only', () => {
    const input = { messages: Array.from({ length: 100_000 }, () => ({ role: 'user', content: 7 })) };
    const errors = contract.validateModel(llama, 'input', input);
    expect(errors.length).toBeGreaterThan(0);
    expect(errors.length).toBeLessThanOrEqual(10);
  });
});
