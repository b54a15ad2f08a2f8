/**
 * The corpus of real answers (fixtures/real) judged by the contract: every document is accepted or stands in
 * disagreements.yaml with its reason and evidence, and a listed document the contract now accepts fails the run
 * (a stale entry), so correcting the contract forces the list to shrink. The list is printed on every run.
 */
import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { formatCorpusReport, judgeCorpus } from '../../../src/validate/corpus.js';

const report = judgeCorpus(loadContract(), 'fixtures/real');
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

  it('records doubtful sources as doubtful rather than dropping them', () => {
    for (const result of report.results) {
      if (result.entry.confidence === 'doubtful') expect(result.entry.note ?? result.disagreement?.reason, `${result.entry.file} says why it is doubtful`).toBeTruthy();
    }
  });
});
