import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { readFileSync } from 'node:fs';
import { defaultSpecDir } from '../../../src/contract/files.js';
import { readLifecycle } from '../../../src/contract/lifecycle.js';
import { loadContract } from '../../../src/contract/load.js';
import { ContractError } from '../../../src/contract/errors.js';

const FILE = join(defaultSpecDir(), 'models', 'lifecycle.yaml');
const dir = mkdtempSync(join(tmpdir(), 'wai-lifecycle-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const write = (text: string) => {
  const file = join(dir, `${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(file, text);
  return file;
};

describe('spec/models/lifecycle.yaml', () => {
  const contract = loadContract();

  it('names only catalogue models, each once, every group with its source', () => {
    const doc = parse(readFileSync(FILE, 'utf8')) as { deprecations: { date: string | null; source: string; models: string[] }[]; beta: { source: string; models: string[] }[] };
    const named = [...doc.deprecations, ...doc.beta].flatMap((g) => g.models);
    expect(named.filter((id) => !contract.models.has(id))).toEqual([]);
    expect(new Set(named).size).toBe(named.length);
    for (const group of [...doc.deprecations, ...doc.beta]) expect(group.source.length).toBeGreaterThan(10);
  });

  it('gives the loaded models their status: deprecated with the documented date, beta, or active by default', () => {
    expect(contract.model('@hf/thebloke/llamaguard-7b-awq')?.lifecycle).toMatchObject({ status: 'deprecated', deprecationDate: '2025-10-01' });
    expect(contract.model('@cf/moonshotai/kimi-k2.5')?.lifecycle).toMatchObject({ status: 'deprecated', deprecationDate: '2026-05-30' });
    expect(contract.model('@cf/deepseek-ai/deepseek-math-7b-base')?.lifecycle).toEqual({ status: 'deprecated', source: expect.any(String) });
    expect(contract.model('@cf/openai/whisper-large-v3-turbo')?.lifecycle?.status).toBe('beta');
    expect(contract.model('@cf/meta/llama-3.1-8b-instruct-fast')?.lifecycle).toBeUndefined();
  });
});

describe('readLifecycle', () => {
  const catalogue = new Set(['@cf/a/b', '@cf/c/d']);

  it('reads both lists and ignores ids the catalogue does not have', () => {
    const file = write('deprecations:\n  - date: "2025-01-02"\n    source: a notice\n    models: ["@cf/a/b", "@cf/gone/model"]\nbeta:\n  - source: a page\n    models: ["@cf/c/d"]\n');
    expect(Object.fromEntries(readLifecycle(file, catalogue))).toEqual({
      '@cf/a/b': { status: 'deprecated', deprecationDate: '2025-01-02', source: 'a notice' },
      '@cf/c/d': { status: 'beta', source: 'a page' },
    });
    expect(readLifecycle(join(dir, 'missing.yaml'), catalogue).size).toBe(0);
  });

  it('refuses bad dates, missing sources and a model named twice, naming the place', () => {
    expect(() => readLifecycle(write('deprecations:\n  - date: 2025\n    source: x\n    models: []\n'), catalogue)).toThrow(/deprecations\/0\/date: expected YYYY-MM-DD or null/);
    expect(() => readLifecycle(write('beta:\n  - models: ["@cf/a/b"]\n'), catalogue)).toThrow(ContractError);
    expect(() => readLifecycle(write('deprecations:\n  - date: null\n    source: x\n    models: ["@cf/a/b"]\nbeta:\n  - source: y\n    models: ["@cf/a/b"]\n'), catalogue)).toThrow(/beta\/0\/models\/0: model "@cf\/a\/b" is named twice/);
  });
});
