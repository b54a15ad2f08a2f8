import { describe, expect, it } from 'vitest';
import { atLeast, classifySchemaChange, describeSchemaChange, MODEL_CHANGE_LEVELS, OPENAPI_CHANGE_LEVELS, risky } from '../../../src/diff/classify.js';
import { SCHEMA_CHANGE_KINDS, type Effect, type SchemaChange, type SchemaChangeKind } from '../../../src/diff/schema-diff.js';
import { MODEL_CHANGE_KINDS, OPENAPI_CHANGE_KINDS, type Level } from '../../../src/diff/types.js';

type Row = [kind: SchemaChangeKind, effect: Effect, inClient: Level, inMock: Level, outClient: Level, outMock: Level, extra?: Partial<SchemaChange>];
const B = 'breaking';
const W = 'warning';
const I = 'info';

/**
 * Each schema change kind with the effect schema-diff gives it, and its level for a client and a
 * mock, in an input (request) schema and in an output (answer) schema.
 */
const TABLE: Row[] = [
  ['schema-closed', 'narrows', B, I, I, B],
  ['schema-opened', 'widens', I, B, B, I],
  ['type-narrowed', 'narrows', B, I, I, B],
  ['type-widened', 'widens', I, B, B, I],
  ['type-changed', 'both', B, B, B, B],
  // open objects: a new request property is ignored by a mock built on OLD; a new answer property harms nobody
  ['property-added', 'none', I, W, I, I],
  // closed objects: the mock refuses the new request property; strict clients refuse the new answer property
  ['property-added', 'widens', I, B, W, I, { closed: true }],
  // open objects: the API now ignores the request property; a client reading the answer property breaks
  ['property-removed', 'none', W, W, B, I],
  // closed objects: sending it is refused; a mock still answering it is wrong
  ['property-removed', 'narrows', B, I, B, B, { closed: true }],
  ['required-added', 'narrows', B, I, I, B],
  ['required-removed', 'widens', I, B, B, I],
  ['enum-added', 'narrows', B, I, I, B],
  ['enum-removed', 'widens', I, B, B, I],
  ['enum-value-added', 'widens', I, B, B, I],
  ['enum-value-removed', 'narrows', B, I, I, B],
  ['constraint-tightened', 'narrows', B, I, I, B],
  ['constraint-loosened', 'widens', I, B, B, I],
  ['constraint-changed', 'both', B, B, B, B],
  ['additional-properties-closed', 'narrows', B, I, I, B],
  ['additional-properties-opened', 'widens', I, B, B, I],
  ['branch-added', 'widens', I, B, B, I], // anyOf/oneOf
  ['branch-added', 'narrows', B, I, I, B], // allOf, prefixItems
  ['branch-removed', 'narrows', B, I, I, B],
  ['branch-removed', 'widens', I, B, B, I],
  ['composition-added', 'narrows', B, I, I, B],
  ['composition-removed', 'widens', I, B, B, I],
  ['composition-changed', 'narrows', B, I, I, B], // anyOf → oneOf
  ['composition-changed', 'widens', I, B, B, I], // oneOf → anyOf
  ['subschema-added', 'narrows', B, I, I, B],
  ['subschema-removed', 'widens', I, B, B, I],
  ['ref-changed', 'both', B, B, B, B],
  ['default-added', 'none', I, I, I, I],
  ['default-removed', 'none', W, W, W, W],
  ['default-changed', 'none', W, W, W, W],
  ['description-changed', 'none', I, I, I, I],
  ['deprecated-changed', 'none', W, I, W, I, { after: true }],
  ['deprecated-changed', 'none', I, I, I, I, { after: false }],
  ['keyword-changed', 'none', W, W, W, W],
];

describe('classifySchemaChange', () => {
  it('covers every schema change kind', () => {
    expect(new Set(TABLE.map((row) => row[0]))).toEqual(new Set(SCHEMA_CHANGE_KINDS));
  });

  it.each(TABLE)('%s (%s): input client %s, mock %s; output client %s, mock %s', (kind, effect, inClient, inMock, outClient, outMock, extra) => {
    const change: SchemaChange = { pointer: '/properties/x', kind, effect, ...extra };
    expect(classifySchemaChange(change, 'input')).toEqual({ client: inClient, mock: inMock });
    expect(classifySchemaChange(change, 'output')).toEqual({ client: outClient, mock: outMock });
    expect(describeSchemaChange(change)).toEqual(expect.any(String));
  });

  it('swaps directions for mocks: what breaks a client of an input breaks a mock of an output', () => {
    for (const effect of ['narrows', 'widens', 'both', 'none'] as const) {
      expect(risky(effect, 'input', 'client')).toBe(risky(effect, 'output', 'mock'));
      expect(risky(effect, 'output', 'client')).toBe(risky(effect, 'input', 'mock'));
    }
  });
});

describe('model and openapi.yaml change levels', () => {
  it('have a level for every kind and audience', () => {
    for (const kind of MODEL_CHANGE_KINDS) expect(MODEL_CHANGE_LEVELS[kind], kind).toEqual({ client: expect.any(String), mock: expect.any(String) });
    for (const kind of OPENAPI_CHANGE_KINDS) expect(OPENAPI_CHANGE_LEVELS[kind], kind).toEqual({ client: expect.any(String), mock: expect.any(String) });
  });

  it.each([
    ['model-removed', B, W],
    ['model-added', I, B],
    ['task-changed', B, B],
    ['streaming-dropped', B, W],
    ['streaming-added', I, B],
    ['embedding-dimension-changed', B, B],
    ['response-content-type-changed', B, B],
    ['response-envelope-changed', B, B],
    ['openai-endpoint-removed', B, W],
    ['openai-endpoint-added', I, B],
    ['labels-removed', W, B],
    ['labels-added', B, I],
    ['raw-input-removed', B, I],
    ['max-tokens-changed', W, W],
  ] as const)('model change %s: client %s, mock %s', (kind, client, mock) => {
    expect(MODEL_CHANGE_LEVELS[kind]).toEqual({ client, mock });
  });

  it.each([
    ['path-removed', B, I],
    ['path-added', I, B],
    ['operation-removed', B, I],
    ['required-parameter-added', B, I],
    ['optional-parameter-added', I, W],
    ['request-media-type-removed', B, I],
    ['success-status-removed', B, B],
    ['error-status-removed', I, W],
    ['error-status-added', W, I],
    ['error-code-removed', I, W],
    ['error-code-added', W, I],
    ['response-media-type-removed', B, B],
    ['sse-terminator-changed', B, B],
  ] as const)('openapi change %s: client %s, mock %s', (kind, client, mock) => {
    expect(OPENAPI_CHANGE_LEVELS[kind]).toEqual({ client, mock });
  });

  it('orders levels info < warning < breaking', () => {
    expect(atLeast('breaking', 'warning')).toBe(true);
    expect(atLeast('warning', 'breaking')).toBe(false);
    expect(atLeast('info', 'info')).toBe(true);
  });
});
