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

/**
 * mulberry32: tiny, fast and good enough for fake model outputs (not for cryptography). The state is kept as a
 * signed 32-bit integer (the same bits as the unsigned one): a small integer to V8, where an unsigned state past
 * 2^31 was a heap number allocated on every draw.
 */
export function createRng(seed: number): Rng {
  let state = seed | 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) | 0;
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

const FNV_OFFSET = 0x811c9dc5 | 0;

/** FNV-1a over a string's UTF-16 units, then the part separator: ("ab", "c") and ("a", "bc") differ. */
function hashString(hash: number, part: string): number {
  for (let i = 0; i < part.length; i++) hash = Math.imul(hash ^ part.charCodeAt(i), 0x01000193);
  return Math.imul(hash ^ 0xff, 0x01000193);
}

/** FNV-1a over bytes, then the part separator. */
function hashBytes(hash: number, part: Uint8Array): number {
  for (let i = 0; i < part.length; i++) hash = Math.imul(hash ^ part[i]!, 0x01000193);
  return Math.imul(hash ^ 0xff, 0x01000193);
}

/** Final avalanche (murmur3 fmix32) so close inputs give distant seeds. */
function finish(hash: number): number {
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b);
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35);
  hash ^= hash >>> 16;
  return hash >>> 0;
}

/**
 * Seeds an Rng from the parts of a request (model id, body bytes): equal requests, equal seeds.
 * FNV-1a rather than a cryptographic hash: it runs on every request, and SHA-1's fixed cost was a
 * tenth of the emulator's work per answer; spreading seeds is all that is needed here.
 */
export function seedFrom(...parts: (string | Uint8Array)[]): number {
  let hash = FNV_OFFSET;
  for (const part of parts) hash = typeof part === 'string' ? hashString(hash, part) : hashBytes(hash, part);
  return finish(hash);
}

/** The hash state after each model id seen (catalogue ids only: runModel seeds known models). */
const afterModelId = new Map<string, number>();

/**
 * `seedFrom(modelId, body)`, the seed of every /ai/run answer, with the model id's part hashed once per model:
 * half the cost of the general form on a small request.
 */
export function requestSeed(modelId: string, body: Uint8Array): number {
  let hash = afterModelId.get(modelId);
  if (hash === undefined) afterModelId.set(modelId, (hash = hashString(FNV_OFFSET, modelId)));
  return finish(hashBytes(hash, body));
}
