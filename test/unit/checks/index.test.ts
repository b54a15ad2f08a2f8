import { describe, expect, it } from 'vitest';
import { CHECK_IDS, CHECKS, evaluateChecks, evaluateMultiChecks, isCheckId, runChecks, runMultiChecks } from '../../../src/checks/index.js';
import type { CheckId } from '../../../src/checks/types.js';
import type { Contract } from '../../../src/contract/contract.js';
import { contextFor, envelope, runExchange } from './exchange-builder.js';

const BGE = '@cf/baai/bge-base-en-v1.5';
/** Every id the issue names: ids are public interface, so none may disappear. */
const PUBLIC_IDS: CheckId[] = [
  'envelope.shape', 'envelope.consistency', 'status.success', 'status.client-error', 'content-type', 'output.schema', 'output.semantics',
  'auth.required', 'model.unknown', 'stream.framing', 'openai.chat', 'openai.chat-stream', 'openai.embeddings', 'openai.completions',
  'openai.responses', 'openai.messages', 'openai.parity', 'gateway.cache', 'catalog.consistency', 'oracle.parity', 'batch.lifecycle',
  'partner.answer',
];

describe('the check catalogue', () => {
  it('lists every public id under its own key, with a one-line description and an area', () => {
    expect([...CHECK_IDS].sort()).toEqual([...PUBLIC_IDS].sort());
    for (const id of CHECK_IDS) {
      expect(CHECKS[id].id).toBe(id);
      expect(CHECKS[id].description).toMatch(/^\S[^\n]{10,200}$/);
      expect(['status', 'envelope', 'headers', 'output', 'auth', 'model', 'stream', 'openai', 'gateway', 'catalog', 'oracle', 'batch']).toContain(CHECKS[id].area);
    }
    expect(isCheckId('content-type')).toBe(true);
    expect(isCheckId('content.type')).toBe(false);
  });

  it('marks the multi-exchange checks as such', () => {
    expect(CHECK_IDS.filter((id) => CHECKS[id].scope === 'exchanges').sort()).toEqual(['batch.lifecycle', 'catalog.consistency', 'gateway.cache', 'openai.parity']);
  });
});

describe('runChecks and evaluateChecks', () => {
  const good = runExchange(BGE, { text: 'a' }, { json: envelope({ shape: [1, 768], data: [Array(768).fill(0)] }) });

  it('reports passed, failed and skipped honestly', () => {
    const bad = runExchange(BGE, { text: 'a' }, { json: envelope({ shape: [1, 768], data: [[1]] }) });
    const outcomes = evaluateChecks(['status.success', 'output.semantics', 'auth.required'], bad, contextFor(bad));
    expect(outcomes.map((o) => [o.check, o.status])).toEqual([
      ['status.success', 'passed'],
      ['output.semantics', 'failed'],
      ['auth.required', 'skipped'],
    ]);
    expect(runChecks(['status.success', 'output.semantics'], bad, contextFor(bad)).map((f) => f.instancePath)).toEqual(['/result/data/0']);
    expect(runChecks(CHECK_IDS, good, contextFor(good))).toEqual([]);
  });

  it('turns a check that throws into a "check crashed" finding and goes on', () => {
    // A contract that throws on every use: envelope.shape needs it, status.success does not.
    const broken = new Proxy({}, { get: () => { throw new Error('spec exploded'); } }) as Contract;
    const context = { ...contextFor(good), contract: broken };
    const findings = runChecks(['envelope.shape', 'status.success'], good, context);
    expect(findings).toHaveLength(1);
    expect(findings[0]!.check).toBe('envelope.shape');
    expect(findings[0]!.message).toBe('check crashed: Error: spec exploded');
    expect(evaluateChecks(['envelope.shape', 'status.success'], good, context).map((o) => o.status)).toEqual(['failed', 'passed']);
  });

  it('runs multi-exchange checks only through runMultiChecks', () => {
    const miss = runExchange(BGE, { text: 'a' }, { json: envelope({}), headers: { 'cf-aig-cache-status': 'MISS' } }, { headers: { 'cf-aig-cache-ttl': '60' } });
    expect(runChecks(['gateway.cache'], miss, contextFor(miss))).toEqual([]);
    expect(runMultiChecks(['gateway.cache', 'status.success'], [miss, miss], contextFor(miss)).map((f) => f.check)).toEqual(['gateway.cache']);
    expect(evaluateMultiChecks(['openai.parity'], [miss], contextFor(miss))).toEqual([{ check: 'openai.parity', status: 'skipped', findings: [] }]);
  });
});
