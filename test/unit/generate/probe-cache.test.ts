/** Probe verdicts kept on disk: read back for the very same contract, case list and code, probed afresh otherwise. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CACHE_DIR_VARIABLE } from '../../../src/contract/cache-dir.js';
import { loadContract } from '../../../src/contract/load.js';
import { probeVerdicts, type ProbeSubject } from '../../../src/generate/probe-cache.js';
import { invalidCoveringRequests } from '../../../src/generate/requests.js';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

const subject = (rule: string, pointer: string): ProbeSubject => ({ rule, pointer, schemaLocation: `doc#/properties${pointer}`, enforcement: { class: 'documented' } });
const SUBJECTS = [subject('type', '/prompt'), subject('required', ''), subject('maxLength', '/prompt')];

describe('probe verdicts on disk', () => {
  const saved = process.env[CACHE_DIR_VARIABLE];
  let cache: string;
  beforeEach(() => {
    cache = mkdtempSync(join(tmpdir(), 'wai-probes-'));
    dirs.push(cache);
    process.env[CACHE_DIR_VARIABLE] = cache;
  });
  afterEach(() => {
    if (saved === undefined) delete process.env[CACHE_DIR_VARIABLE];
    else process.env[CACHE_DIR_VARIABLE] = saved;
  });

  /** A probe that answers `answers` and counts its calls. */
  const counting = (answers: boolean[]) => {
    const calls: number[] = [];
    return { calls, probe: (i: number) => (calls.push(i), answers[i]!) };
  };

  it('probes once, then reads the same verdicts back for the same contract, scope and cases', () => {
    const first = counting([true, false, true]);
    expect(probeVerdicts('digest-a', 'model\u0000{}', SUBJECTS, first.probe)).toEqual([true, false, true]);
    expect(first.calls).toEqual([0, 1, 2]);
    expect(readdirSync(join(cache, 'probes'))).toHaveLength(1);
    const second = counting([false, false, false]);
    expect(probeVerdicts('digest-a', 'model\u0000{}', SUBJECTS, second.probe)).toEqual([true, false, true]);
    expect(second.calls).toEqual([]);
  });

  it('probes afresh for another contract digest, scope or case list', () => {
    probeVerdicts('digest-a', 'model', SUBJECTS, () => true);
    for (const [digest, scope, subjects] of [
      ['digest-b', 'model', SUBJECTS],
      ['digest-a', 'other-model', SUBJECTS],
      ['digest-a', 'model', SUBJECTS.slice(1)],
      ['digest-a', 'model', [SUBJECTS[0]!, { ...SUBJECTS[1]!, enforcement: { class: 'documented-and-observed' } }, SUBJECTS[2]!]],
    ] as const) {
      const probe = counting(subjects.map(() => false));
      expect(probeVerdicts(digest, scope, subjects, probe.probe)).toEqual(subjects.map(() => false));
      expect(probe.calls).toHaveLength(subjects.length);
    }
  });

  it('probes again past a broken entry, and stores nothing without a contract digest or with caching off', () => {
    probeVerdicts('digest-a', 'model', SUBJECTS, () => true);
    const [entry] = readdirSync(join(cache, 'probes'));
    writeFileSync(join(cache, 'probes', entry!), '1x1');
    const again = counting([false, true, false]);
    expect(probeVerdicts('digest-a', 'model', SUBJECTS, again.probe)).toEqual([false, true, false]);
    expect(again.calls).toHaveLength(3);

    const undigested = counting([true, true, true]);
    probeVerdicts(undefined, 'model', SUBJECTS, undigested.probe);
    probeVerdicts(undefined, 'model', SUBJECTS, undigested.probe);
    expect(undigested.calls).toHaveLength(6);

    process.env[CACHE_DIR_VARIABLE] = 'off';
    const off = counting([true, true, true]);
    probeVerdicts('digest-c', 'model', SUBJECTS, off.probe);
    probeVerdicts('digest-c', 'model', SUBJECTS, off.probe);
    expect(off.calls).toHaveLength(6);
  });

  it('gives a model the same covering invalid requests from stored verdicts as from probing', () => {
    // llama-3.1-8b's input is a oneOf (prompt or messages): its cases are uncertain and probed.
    const model = '@cf/meta/llama-3.1-8b-instruct';
    const cold = loadContract();
    const probed = invalidCoveringRequests(cold, cold.model(model)!, 7, 6);
    expect(probed.length).toBeGreaterThan(0);
    expect(readdirSync(join(cache, 'probes')).length).toBeGreaterThan(0);
    const warm = loadContract(); // another Contract: nothing of the first one's in memory
    expect(invalidCoveringRequests(warm, warm.model(model)!, 7, 6)).toEqual(probed);
  });
});
