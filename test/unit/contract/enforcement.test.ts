import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ContractError } from '../../../src/contract/errors.js';
import { Enforcement, enforcementOf, ENFORCEMENT_CLASSES, parseEnforcement, severityOfClass } from '../../../src/contract/enforcement.js';
import { packageRoot } from '../../../src/contract/files.js';
import { loadContract } from '../../../src/contract/load.js';
import { invalidRequests, runSample } from '../../../src/generate/requests.js';

const contract = loadContract();
const enforcement = enforcementOf(contract);
const model = (id: string) => contract.model(id)!;

/** The keywords the invalid-input generator breaks, read from its source so that a new one cannot go unclassified. */
function generatorRules(): string[] {
  const source = readFileSync(join(packageRoot(), 'src/generate/invalid-from-schema.ts'), 'utf8');
  return [...new Set([...source.matchAll(/make\('([A-Za-z]+)'/g)].map((m) => m[1]!))].sort();
}

describe('spec/enforcement.yaml', () => {
  it('classifies every rule the invalid-input generator breaks, each with evidence', () => {
    const rules = generatorRules();
    expect(rules).toEqual(expect.arrayContaining(['required', 'type', 'additionalProperties', 'enum', 'const', 'minimum', 'maximum', 'minLength', 'maxLength', 'minItems', 'maxItems', 'pattern', 'format']));
    const kinds = new Map(enforcement.table.kinds.map((k) => [k.id, k]));
    for (const rule of rules) {
      expect(kinds.has(rule), `rule ${rule} has no entry`).toBe(true);
      expect(kinds.get(rule)!.evidence.length).toBeGreaterThan(0);
    }
    for (const entry of [...enforcement.table.kinds, ...enforcement.table.overrides]) expect(ENFORCEMENT_CLASSES).toContain(entry.class);
  });

  it('maps evidence to severity: only documented-and-observed is an error; contradicted is no failure', () => {
    expect(severityOfClass('documented-and-observed')).toBe('error');
    expect(severityOfClass('documented')).toBe('warning');
    expect(severityOfClass('unknown')).toBe('warning');
    expect(severityOfClass('contradicted')).toBeUndefined();
  });

  it('observed rules are errors, documented-only rules warnings', () => {
    const llama = model('@cf/meta/llama-2-7b-chat-int8');
    expect(enforcement.classify({ rule: 'required', pointer: '' }, llama)).toEqual({ kind: 'required', class: 'documented-and-observed', severity: 'error' });
    expect(enforcement.classify({ rule: 'type', pointer: '/max_tokens' }, llama).severity).toBe('error');
    expect(enforcement.classify({ rule: 'additionalProperties', pointer: '' }, model('@cf/black-forest-labs/flux-1-schnell')).severity).toBe('error');
    expect(enforcement.classify({ rule: 'maximum', pointer: '/temperature' }, llama)).toEqual({ kind: 'maximum', class: 'documented', severity: 'warning' });
    expect(enforcement.classify({ rule: 'minLength', pointer: '/prompt' }, llama).severity).toBe('warning');
  });

  it('overrides refine by place, task and rule', () => {
    const llama = model('@cf/meta/llama-2-7b-chat-int8');
    expect(enforcement.classify({ rule: 'required', pointer: '/tools/0/function' }, llama)).toMatchObject({ kind: 'tool-definition-details', severity: 'warning' });
    expect(enforcement.classify({ rule: 'minimum', pointer: '/max_tokens' }, llama)).toEqual({ kind: 'max-tokens-minimum', class: 'unknown', severity: 'warning' });
    expect(enforcement.classify({ rule: 'minimum', pointer: '/requests/2/max_tokens' }, llama).kind).toBe('max-tokens-minimum');
    expect(enforcement.classify({ rule: 'maxLength', pointer: '/prompt' }, llama)).toEqual({ kind: 'prompt-character-limit', class: 'contradicted' });
    expect(enforcement.classify({ rule: 'maxLength', pointer: '/messages/3/content' }, llama).class).toBe('contradicted');
    // Another task's prompt keeps the kind's class.
    expect(enforcement.classify({ rule: 'maxLength', pointer: '/prompt' }, model('@cf/stabilityai/stable-diffusion-xl-base-1.0')).class).toBe('documented');
  });

  it('a rule without an entry is unknown: a warning, never an error', () => {
    expect(new Enforcement({ kinds: [], overrides: [] }).classify({ rule: 'dependentRequired', pointer: '/x' })).toEqual({ kind: 'dependentRequired', class: 'unknown', severity: 'warning' });
  });

  it('a broken table names its place', () => {
    const bad = (doc: unknown) => () => parseEnforcement(doc, 'spec/enforcement.yaml');
    expect(bad({ kinds: { required: { name: 'x', class: 'proven', evidence: [{ kind: 'none' }] } } })).toThrow(ContractError);
    expect(bad({ kinds: { required: { name: 'x', class: 'proven', evidence: [{ kind: 'none' }] } } })).toThrow(/#\/kinds\/required: class must be one of/);
    expect(bad({ kinds: { required: { name: 'x', class: 'documented', evidence: [] } } })).toThrow(/evidence must cite/);
    expect(bad({ kinds: {}, overrides: [{ id: 'o', name: 'x', class: 'documented', evidence: [{ kind: 'none' }], where: { pointer: '(' } }] })).toThrow(/#\/overrides\/0: where.pointer is not a regular expression/);
    expect(bad({ kinds: {}, overrides: [{ id: 'o', name: 'x', class: 'documented', evidence: [{ kind: 'none' }], where: { place: 'x' } }] })).toThrow(/where.place is not one of/);
  });
});

describe('invalid requests carry their enforcement, and contradicted rules are not generated', () => {
  it('a text-generation prompt over its character limit is never sent; every request has a severity', () => {
    const llama = model('@cf/meta/llama-2-7b-chat-int8');
    const requests = runSample(invalidRequests(contract, llama)!, { seed: 7, numRuns: 400 });
    expect(requests.some((r) => r.rule === 'maxLength' && r.pointer === '/prompt')).toBe(false);
    for (const r of requests) {
      expect(r.enforcement.class).not.toBe('contradicted');
      expect(r.enforcement.severity).toBe(severityOfClass(r.enforcement.class));
    }
    expect(new Set(requests.map((r) => r.enforcement.severity))).toEqual(new Set(['error', 'warning']));
  });
});

describe('the README states the classification as spec/enforcement.yaml has it', () => {
  it('every kind and override has a row with its evidence class', () => {
    const readme = readFileSync(join(packageRoot(), 'README.md'), 'utf8');
    const section = readme.slice(readme.indexOf('### Errors and warnings'));
    const rows = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| constraint kind'));
    const classOfRow = (needle: string) => rows.find((r) => r.split('|')[1]!.includes(needle))?.split('|')[2]!.trim();
    for (const kind of enforcement.table.kinds) expect(classOfRow(`\`${kind.id}\``), kind.id).toBe(kind.class);
    expect(classOfRow('tool and function definitions')).toBe('documented');
    expect(classOfRow('`max_tokens` below 1')).toBe('unknown');
    expect(classOfRow('131072 characters')).toBe('contradicted');
  });
});
