import { describe, expect, it } from 'vitest';
import { hexId, skipHexId } from '../../../src/emulator/outputs/fake-text.js';
import { createRng, requestSeed, seedFrom } from '../../../src/emulator/rng.js';

/** mulberry32 as published, on an unsigned state: createRng keeps a signed one and must give the same numbers. */
function referenceMulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('createRng', () => {
  it('draws the reference mulberry32 sequence, for seeds on both sides of 2^31', () => {
    for (const seed of [0, 1, 0x7fffffff, 0x80000000, 0xdeadbeef, 0xffffffff, -1, 123456789]) {
      const rng = createRng(seed);
      const reference = referenceMulberry32(seed);
      for (let i = 0; i < 2_000; i++) expect(rng.next()).toBe(reference());
      expect(createRng(seed).seed).toBe(seed >>> 0);
    }
  });
});

describe('requestSeed', () => {
  it('is seedFrom(modelId, body), also for a model id seen before', () => {
    const bodies = ['', '{"prompt":"hi"}', 'é€😀', '\u0000\u00ff'].map((text) => Buffer.from(text));
    for (const model of ['@cf/meta/llama-3.1-8b-instruct-fp8', '@cf/baai/bge-base-en-v1.5', '']) {
      for (const body of bodies) {
        expect(requestSeed(model, body)).toBe(seedFrom(model, body));
        expect(requestSeed(model, body)).toBe(seedFrom(model, body));
      }
    }
  });

  it('keeps the parts apart: ("ab", "c") and ("a", "bc") seed differently', () => {
    expect(seedFrom('ab', 'c')).not.toBe(seedFrom('a', 'bc'));
    expect(requestSeed('ab', Buffer.from('c'))).not.toBe(requestSeed('a', Buffer.from('bc')));
  });
});

describe('skipHexId', () => {
  it("takes exactly hexId's draws, for every length", () => {
    for (let n = 0; n <= 40; n++) {
      const written = createRng(n);
      const skipped = createRng(n);
      expect(hexId(written, n)).toHaveLength(n);
      expect(skipHexId(skipped, n)).toBe('');
      expect(skipped.next()).toBe(written.next());
    }
  });
});
