import { describe, expect, it } from 'vitest';
import { outputSchema } from '../../../src/checks/output-schema.js';
import { contextFor, envelope, errorEnvelope, runExchange } from './exchange-builder.js';

const BGE = '@cf/baai/bge-base-en-v1.5';
const DISTILBERT = '@cf/huggingface/distilbert-sst-2-int8';
const SDXL = '@cf/stabilityai/stable-diffusion-xl-base-1.0';

describe('output.schema', () => {
  it("passes a result that matches the model's output schema", () => {
    const ex = runExchange(DISTILBERT, { text: 'great' }, { json: envelope([{ label: 'POSITIVE', score: 0.9 }, { label: 'NEGATIVE', score: 0.1 }]) });
    expect(outputSchema.run(ex, contextFor(ex))).toEqual([]);
  });

  it('fails a result that does not, pointing into the envelope', () => {
    const ex = runExchange(DISTILBERT, { text: 'great' }, { json: envelope([{ label: 'POSITIVE', score: '0.9' }]) });
    const findings = outputSchema.run(ex, contextFor(ex));
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ check: 'output.schema', instancePath: '/result/0/score', expected: 'type number' });
    expect(findings[0]!.message).toBe(`/result/0/score: expected type number, found string "0.9" (type) against the output schema of ${DISTILBERT}`);
  });

  it('fails an embeddings result whose data is not a matrix', () => {
    const ex = runExchange(BGE, { text: 'a' }, { json: envelope({ shape: [1, 2], data: [0.1, 0.2] }) });
    expect(outputSchema.run(ex, contextFor(ex)).map((f) => f.instancePath)).toContain('/result/data/0');
  });

  it('skips failures, binary answers and envelopes without a result', () => {
    const failed = runExchange(BGE, { text: '' }, { status: 400, json: errorEnvelope(5006, 'x') });
    expect(outputSchema.applies(failed, contextFor(failed, 'client-error'))).toBe(false);
    const png = runExchange(SDXL, { prompt: 'cat' }, { bytes: new Uint8Array([0x89]), contentType: 'image/png' });
    expect(outputSchema.applies(png, contextFor(png))).toBe(false);
    const bare = runExchange(BGE, { text: 'a' }, { json: { success: true } });
    expect(outputSchema.applies(bare, contextFor(bare))).toBe(false);
  });
});
