/** @module A small seeded PRNG: the emulator's answers are deterministic functions of the request. */

/** Deterministic random source. */
export interface Rng {
  /** Uniform float in [0, 1). */
  next(): number;
  /** Uniform integer in [min, max] (inclusive). */
  int(min: number, max: number): number;
  /** One element of a non-empty array. */
  pick<T>(items: readonly T[]): T;
  /** The 32-bit seed this generator started from. */
  readonly seed: number;
}

/** mulberry32: tiny, fast and good enough for fake model outputs (not for cryptography). */
export function createRng(seed: number): Rng {
  let state = seed >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return {
    seed: seed >>> 0,
    next,
    int: (min, max) => min + Math.floor(next() * (max - min + 1)),
    pick: (items) => items[Math.floor(next() * items.length)]!,
  };
}

/**
 * Seeds an Rng from the parts of a request (model id, body bytes): equal requests, equal seeds.
 * FNV-1a rather than a cryptographic hash: it runs on every request, and SHA-1's fixed cost was a
 * tenth of the emulator's work per answer; spreading seeds is all that is needed here.
 */
export function seedFrom(...parts: (string | Uint8Array)[]): number {
  let hash = 0x811c9dc5;
  for (const part of parts) {
    if (typeof part === 'string') {
      for (let i = 0; i < part.length; i++) hash = Math.imul(hash ^ part.charCodeAt(i), 0x01000193);
    } else {
      for (let i = 0; i < part.length; i++) hash = Math.imul(hash ^ part[i]!, 0x01000193);
    }
    hash = Math.imul(hash ^ 0xff, 0x01000193); // part separator: ("ab", "c") and ("a", "bc") differ
  }
  // Final avalanche (murmur3 fmix32) so close inputs give distant seeds.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}
