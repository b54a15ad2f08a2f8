/** @module A small seeded PRNG: the emulator's answers are deterministic functions of the request. */
import { createHash } from 'node:crypto';

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

/** Seeds an Rng from the parts of a request (model id, body bytes): equal requests, equal seeds. */
export function seedFrom(...parts: (string | Uint8Array)[]): number {
  const hash = createHash('sha1');
  for (const part of parts) hash.update(part);
  return hash.digest().readUInt32BE(0);
}
