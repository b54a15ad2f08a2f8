import { describe, expect, it, vi } from 'vitest';
import { gateCoverage } from '../../../src/cli/commands/run.js';
import { DEFAULT_OPTIONS } from '../../../src/harness/options.js';
import { runConformance } from '../../../src/harness/session.js';

/** Switch for a deliberately narrowed generator: no covering requests, random cases only. */
const narrowed = vi.hoisted(() => ({ on: false }));
vi.mock('../../../src/generate/covering.js', async (original) => {
  const actual = await original<typeof import('../../../src/generate/covering.js')>();
  return { ...actual, coveringRequests: (...args: Parameters<typeof actual.coveringRequests>) => (narrowed.on ? [] : actual.coveringRequests(...args)) };
});

const options = { ...DEFAULT_OPTIONS, seed: 11, models: ['@cf/deepgram/aura-1'], tasks: ['text-to-speech'], reporters: [] };

describe('run --min-coverage', () => {
  it('passes the run that reaches the threshold, and fails (exit 1, the facet, figure and threshold named) the narrowed one', async () => {
    const full = await runConformance(options, {});
    narrowed.on = true;
    const narrow = await runConformance(options, {});
    narrowed.on = false;
    const fullInput = full.coverage!.summary.input.percent!;
    const narrowInput = narrow.coverage!.summary.input.percent!;
    expect(full.summary.failed).toBe(0);
    expect(narrow.summary.failed).toBe(0);
    expect(fullInput).toBeGreaterThan(narrowInput);

    const minCoverage = { input: fullInput };
    const messages: string[] = [];
    const io = { out: () => {}, err: (text: string) => void messages.push(text), stdin: async () => Buffer.alloc(0) };
    expect(gateCoverage(full, { minCoverage }, io)).toBe(0);
    expect(messages).toEqual([]);
    expect(gateCoverage(narrow, { minCoverage }, io)).toBe(1);
    expect(messages).toEqual([`wai-conformance run: coverage input is ${narrowInput}% (${narrow.coverage!.summary.input.covered} of ${narrow.coverage!.summary.input.total} items), below --min-coverage input=${fullInput}%\n`]);
    // Without the flag the narrowed run is simply conformant.
    expect(gateCoverage(narrow, {}, io)).toBe(0);
  });
});
