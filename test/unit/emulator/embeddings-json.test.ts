import { describe, expect, it } from 'vitest';
import { loadContract } from '../../../src/contract/load.js';
import { textEmbeddings, vectorsJson } from '../../../src/emulator/outputs/text-embeddings.js';
import { createRng } from '../../../src/emulator/rng.js';

describe('embeddings answers printed digit by digit', () => {
  it('prints every component k / 1e6 exactly as JSON.stringify does (all of -1e6..1e6)', () => {
    const all = new Float64Array(2_000_001);
    for (let k = -1_000_000; k <= 1_000_000; k++) all[k + 1_000_000] = k;
    all[1_000_000] = -0; // Math.round gives -0 for small negatives
    const expected = JSON.stringify([Array.from(all, (k) => k / 1e6)]);
    expect(vectorsJson([all])).toBe(expected);
    expect(vectorsJson([])).toBe('[]');
    expect(vectorsJson([new Float64Array(0), new Float64Array([1_000_000, -5])])).toBe('[[],[1,-0.000005]]');
  });

  it("an answer's JSON is JSON.stringify of its result, for every embeddings model and both request forms", async () => {
    const contract = await loadContract();
    const models = contract.modelsOfTask('text-embeddings');
    expect(models.length).toBeGreaterThan(0);
    const inputs = [{ text: 'Hello, World!' }, { text: ['a', 'b c', '', 'Ünïcode wörds 42'] }, { contexts: [{ text: 'one' }, { text: 'two' }] }];
    for (const model of models) {
      for (const input of inputs) {
        const output = textEmbeddings.make({ contract, model, input, rng: createRng(1) });
        expect(output.kind).toBe('json');
        if (output.kind === 'json' && output.json !== undefined) expect(output.json).toBe(JSON.stringify(output.result));
      }
    }
  });
});
