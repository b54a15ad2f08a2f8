import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import type { ModelEntry } from '../../../src/contract/types.js';
import { diffStatus } from '../../../src/diff/diff-contracts.js';

const contract = loadContract();
const llama = contract.model('@cf/meta/llama-3.1-8b-instruct')!;
const active: ModelEntry = { ...llama, lifecycle: undefined };

describe('diff: model status (spec/models/lifecycle.yaml)', () => {
  it('reports a model becoming deprecated as a warning for clients, info for mocks', () => {
    expect(diffStatus(llama, active)).toEqual([
      expect.objectContaining({ kind: 'model-deprecated', model: llama.id, pointer: '/status', before: 'active', after: 'deprecated 2026-05-30', levels: { client: 'warning', mock: 'info' } }),
    ]);
  });

  it('reports other status moves as info, and nothing when the status stays', () => {
    const beta: ModelEntry = { ...llama, lifecycle: { status: 'beta', source: 'x' } };
    expect(diffStatus(beta, active)).toEqual([expect.objectContaining({ kind: 'status-changed', message: 'status changed: active → beta', levels: { client: 'info', mock: 'info' } })]);
    expect(diffStatus(active, llama)).toEqual([expect.objectContaining({ kind: 'status-changed', message: 'status changed: deprecated 2026-05-30 → active' })]);
    expect(diffStatus(llama, llama)).toEqual([]);
  });
});
