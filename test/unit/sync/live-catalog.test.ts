import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { CatalogModel } from '../../../src/sync/catalog-client.js';
import {
  buildLiveCatalog,
  catalogDocument,
  compareCatalogs,
  diffJson,
  formatDifferences,
  readPinnedCatalog,
  taskIdOf,
  writeCatalog,
} from '../../../src/sync/live-catalog.js';

const dir = mkdtempSync(join(tmpdir(), 'wai-live-catalog-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function model(id: string, overrides: Partial<CatalogModel> = {}): CatalogModel {
  return {
    id,
    item: {
      id: `uuid-${id}`,
      name: id,
      description: `about ${id}`,
      task: { id: 'task-uuid', name: 'Text Generation', description: 'generates text' },
      tags: ['b', 'a'],
      properties: [
        { property_id: 'price', value: [{ unit: 'per M input tokens', price: 0.1, currency: 'USD' }] },
        { property_id: 'beta', value: 'true' },
      ],
    },
    input: { type: 'object', properties: { prompt: { type: 'string' } }, required: ['prompt'] },
    output: { type: 'object', properties: { response: { type: 'string' } } },
    ...overrides,
  };
}

describe('catalogDocument', () => {
  it('is a JSON Schema document titled by the model id, with the search item (less its name) and the schemas', () => {
    const doc = catalogDocument(model('@cf/meta/llama-x'));
    expect(doc).toEqual({
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      $id: 'models/catalog/@cf__meta__llama-x.json',
      title: '@cf/meta/llama-x',
      $comment: expect.stringContaining('do not edit'),
      'x-catalog': {
        id: 'uuid-@cf/meta/llama-x',
        description: 'about @cf/meta/llama-x',
        task: { id: 'task-uuid', name: 'Text Generation', description: 'generates text' },
        tags: ['a', 'b'],
        properties: [
          { property_id: 'beta', value: 'true' },
          { property_id: 'price', value: [{ unit: 'per M input tokens', price: 0.1, currency: 'USD' }] },
        ],
      },
      $defs: { input: model('x').input, output: model('x').output },
    });
    expect(doc.$comment).not.toMatch(/\d{4}-\d{2}-\d{2}/);
  });

  it('maps catalogue task names to task ids', () => {
    expect(taskIdOf('Automatic Speech Recognition')).toBe('automatic-speech-recognition');
    expect(taskIdOf('Text-to-Image')).toBe('text-to-image');
    expect(taskIdOf(' Image-to-Text ')).toBe('image-to-text');
  });
});

describe('writeCatalog', () => {
  it('writes files in id order, keeps unchanged bytes and index.json, removes files of models that left, and leaves foreign files', () => {
    const out = join(dir, 'write');
    const first = writeCatalog(out, buildLiveCatalog('https://api.example/client/v4', [model('@cf/z/last'), model('@cf/a/first')]), new Date('2025-01-02T03:04:05Z'));
    expect(first).toMatchObject({ written: ['@cf__a__first.json', '@cf__z__last.json'], removed: [], indexWritten: true });
    writeFileSync(join(out, 'notes.json'), '{"mine": true}');
    const index = JSON.parse(readFileSync(join(out, 'index.json'), 'utf8'));
    expect(index).toEqual({
      source: 'https://api.example/client/v4',
      syncedAt: '2025-01-02T03:04:05.000Z',
      models: [
        { id: '@cf/a/first', task: 'text-generation', file: '@cf__a__first.json' },
        { id: '@cf/z/last', task: 'text-generation', file: '@cf__z__last.json' },
      ],
    });

    const again = writeCatalog(out, buildLiveCatalog('https://api.example/client/v4', [model('@cf/a/first'), model('@cf/z/last')]), new Date('2030-01-01T00:00:00Z'));
    expect(again).toEqual({ written: [], unchanged: ['@cf__a__first.json', '@cf__z__last.json'], removed: [], indexWritten: false });
    expect(JSON.parse(readFileSync(join(out, 'index.json'), 'utf8')).syncedAt).toBe('2025-01-02T03:04:05.000Z');

    const third = writeCatalog(out, buildLiveCatalog('https://api.example/client/v4', [model('@cf/a/first', { input: { type: 'object' } })]), new Date('2031-01-01T00:00:00Z'));
    expect(third).toMatchObject({ written: ['@cf__a__first.json'], removed: ['@cf__z__last.json'], indexWritten: true });
    expect(readdirSync(out).sort()).toEqual(['@cf__a__first.json', 'index.json', 'notes.json']);
    const pinned = readPinnedCatalog(out);
    expect([...pinned.catalog.documents.keys()]).toEqual(['@cf/a/first']);
    expect(pinned.index.syncedAt).toBe('2031-01-01T00:00:00.000Z');
  });
});

describe('diffJson', () => {
  it('reports added, removed and changed values as JSON pointers, ignoring key order and the order of required', () => {
    const pinned = { type: 'object', properties: { 'a/b': { type: 'string' }, gone: { type: 'number' }, n: { maximum: 1 } }, required: ['x', 'y'] };
    const live = { required: ['y', 'x'], properties: { n: { maximum: 2 }, 'a/b': { type: 'string' }, added: true }, type: 'object' };
    expect(diffJson(pinned, live)).toEqual({
      total: 3,
      differences: [
        { pointer: '/properties/gone', kind: 'removed', pinned: { type: 'number' } },
        { pointer: '/properties/n/maximum', kind: 'changed', pinned: 1, live: 2 },
        { pointer: '/properties/added', kind: 'added', live: true },
      ],
    });
    expect(diffJson({ p: { 'x~y': 1 } }, { p: { 'x~y': 2 } }).differences[0]?.pointer).toBe('/p/x~0y');
  });

  it('compares other arrays item by item, and keeps only the first differences while counting all', () => {
    expect(diffJson({ enum: ['a', 'b'] }, { enum: ['b', 'a', 'c'] })).toEqual({
      total: 3,
      differences: [
        { pointer: '/enum/0', kind: 'changed', pinned: 'a', live: 'b' },
        { pointer: '/enum/1', kind: 'changed', pinned: 'b', live: 'a' },
        { pointer: '/enum/2', kind: 'added', live: 'c' },
      ],
    });
    const many = diffJson(Object.fromEntries(Array.from({ length: 9 }, (_, i) => [`k${i}`, i])), {}, 5);
    expect(many.total).toBe(9);
    expect(many.differences).toHaveLength(5);
  });
});

describe('compareCatalogs', () => {
  it('names models only on one side and the pointers of changed ones, in id order', () => {
    const pinned = buildLiveCatalog('a', [model('@cf/a/same'), model('@cf/b/changed'), model('@cf/c/gone')]);
    const live = buildLiveCatalog('b', [
      model('@cf/a/same'),
      model('@cf/b/changed', { input: { type: 'object', properties: { prompt: { type: 'string' }, seed: { type: 'integer' } }, required: ['prompt'] } }),
      model('@cf/d/new'),
    ]);
    live.documents.get('@cf/b/changed')!['x-catalog'].task = { id: 'task-uuid', name: 'Summarization', description: 'generates text' };
    const differences = compareCatalogs(pinned, live);
    expect(differences).toEqual([
      { model: '@cf/b/changed', kind: 'changed', total: 2, differences: [
        { pointer: '/x-catalog/task/name', kind: 'changed', pinned: 'Text Generation', live: 'Summarization' },
        { pointer: '/$defs/input/properties/seed', kind: 'added', live: { type: 'integer' } },
      ] },
      { model: '@cf/c/gone', kind: 'only-pinned' },
      { model: '@cf/d/new', kind: 'only-live' },
    ]);
    expect(formatDifferences(differences, { pinned: 'the pinned catalogue', live: 'the live catalogue' })).toEqual([
      '@cf/b/changed: 2 differences',
      '  /x-catalog/task/name: task changed from "Text Generation" to "Summarization"',
      '  /$defs/input/properties/seed: added {"type":"integer"}',
      '@cf/c/gone: only in the pinned catalogue',
      '@cf/d/new: only in the live catalogue',
    ]);
  });
});
