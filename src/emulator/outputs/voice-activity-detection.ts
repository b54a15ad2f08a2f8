/** @module Voice activity (end-of-turn) detection: a seeded probability and the decision it implies. */
import type { OutputMaker } from '../types.js';
import { round } from './fake-text.js';

/** `{is_complete, probability}`: `is_complete` exactly when `probability` ≥ 0.5, as a threshold model answers. */
export const voiceActivityDetection: OutputMaker = {
  make({ rng }) {
    const probability = round(rng.next(), 4);
    return { kind: 'json', result: { is_complete: probability >= 0.5, probability } };
  },
};
