/**
 * The corpus of real answers (fixtures/real) judged by the contract: every document is accepted or stands in
 * disagreements.yaml with its reason and evidence, and a listed document the contract now accepts fails the run
 * (a stale entry), so correcting the contract forces the list to shrink. The list is printed on every run.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { formatCorpusReport, judgeCorpus } from '../../../src/validate/corpus.js';
import { documentValue } from '../../../src/validate/document.js';

const contract = loadContract();
const report = judgeCorpus(contract, 'fixtures/real');
// Printed on every run: the figures and every known disagreement.
console.log(formatCorpusReport(report));

describe('the corpus of real Workers AI answers', () => {
  it('holds documents of every part a user captures', () => {
    const parts = new Set(report.results.map((r) => r.entry.part));
    expect([...parts].sort()).toEqual(expect.arrayContaining(['envelope', 'error', 'output']));
  });

  it('has no rejection that disagreements.yaml does not list', () => {
    const unexpected = report.unexpected.map((r) => `${r.entry.file}: ${r.problems.slice(0, 3).join(' | ')}`);
    expect(unexpected, 'fix the contract, or list the document in fixtures/real/disagreements.yaml with reason and evidence').toEqual([]);
  });

  it('has no stale disagreement (a listed document the contract now accepts)', () => {
    expect(report.stale.map((d) => d.file), 'the contract accepts these now: delete their entries from fixtures/real/disagreements.yaml').toEqual([]);
  });

  it('lists disagreements only for documents of the manifest', () => {
    expect(report.orphans.map((d) => d.file)).toEqual([]);
  });

  it('names every v4 error code its error answers carry, at the status they were seen with (any, when not recorded)', () => {
    type Obj = Record<string, unknown>;
    const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
    const openapi = contract.openapi as Obj;
    const components = (openapi.components as Obj).responses as Obj;
    // Every status key of every operation (`5XX` ranges included) → the codes its response lists, documented or observed.
    const listed = new Map<string, Set<number>>();
    for (const item of Object.values(openapi.paths as Obj)) {
      for (const op of Object.values(item as Obj)) {
        if (!isObj(op) || !isObj(op.responses)) continue;
        for (const [status, raw] of Object.entries(op.responses)) {
          const ref = isObj(raw) && typeof raw.$ref === 'string' ? raw.$ref.split('/').pop()! : undefined;
          const response = (ref ? components[ref] : raw) as Obj;
          const codes = [...((response['x-wai-error-codes'] as number[] | undefined) ?? []), ...((response['x-wai-observed-error-codes'] as number[] | undefined) ?? [])];
          listed.set(status, new Set([...(listed.get(status) ?? []), ...codes]));
        }
      }
    }
    const known = (code: number, status?: number) =>
      [...listed].some(([key, codes]) => codes.has(code) && (status === undefined || key === String(status) || key === `${String(status)[0]}XX`));
    const unnamed: string[] = [];
    for (const { entry } of report.results) {
      if (entry.part !== 'error' || (entry.format !== 'json' && entry.format !== 'python-repr')) continue;
      let body: unknown;
      try {
        body = documentValue(readFileSync(join('fixtures/real', entry.file)), entry.format);
      } catch {
        continue; // not JSON as published: disagreements.yaml says why
      }
      // The v4 `errors`, a list or (ErrorEnvelopeSingleError) one object; other forms carry no v4 code list.
      const errors = isObj(body) ? (Array.isArray(body.errors) ? body.errors : isObj(body.errors) ? [body.errors] : []) : [];
      for (const error of errors) {
        const code = isObj(error) ? Number(error.code) : NaN;
        if (Number.isInteger(code) && !known(code, entry.status)) unnamed.push(`${entry.file}: code ${code} at ${entry.status ?? 'an unrecorded status'}`);
      }
    }
    expect(unnamed, 'list each code in spec/openapi.yaml (x-wai-observed-error-codes of the status it was seen with), with its evidence').toEqual([]);
  });

  it('records doubtful sources as doubtful rather than dropping them', () => {
    for (const result of report.results) {
      if (result.entry.confidence === 'doubtful') expect(result.entry.note ?? result.disagreement?.reason, `${result.entry.file} says why it is doubtful`).toBeTruthy();
    }
  });
});
