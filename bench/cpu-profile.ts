/** @module Reads V8 `.cpuprofile` files (node --cpu-prof) into CPU time per pipeline stage and a wall-clock timeline. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The part of the `.cpuprofile` format read here. */
interface CpuProfile {
  nodes: { id: number; callFrame: { functionName: string; url: string }; children?: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Pipeline stages, in the order a run meets them. The first rule whose pattern matches a frame of the stack wins, innermost frame first. */
const STAGES: readonly (readonly [stage: string, pattern: RegExp])[] = [
  ['reports', /\/reporters\/(?!conformance-reporter|progress)/],
  ['emulator', /\/src\/emulator\/|\/src\/media\//],
  ['checks', /\/src\/checks\/|jpeg-js|pngjs/],
  ['generate', /\/src\/generate\/|fast-check/],
  ['ajv compile', /ajv\/dist\/(compile|core|vocabularies|standalone)|ajv-formats|fast-uri|json-schema-traverse/],
  ['contract load', /\/src\/contract\/(load|files|effective-schema|cache-dir|validator-cache)|\/yaml\//],
  ['transport', /\/src\/targets\/|undici/],
  ['harness', /\/src\/harness\/|\/suites\//],
  ['vitest', /vitest|vite\/|rolldown|tinypool|tinyglobby|esbuild|@vitest/],
];

/** The stage a stack belongs to: its innermost frame that names one (so ajv called by a check is "checks" unless compiling). */
function stageOf(stack: readonly string[]): string {
  for (const url of stack) {
    for (const [stage, pattern] of STAGES) if (pattern.test(url)) return stage;
  }
  return 'node and other';
}

/** One thread's profile, summarised. */
export interface ThreadSummary {
  file: string;
  /** Start and end, µs on the monotonic clock (the same clock as process.hrtime). */
  startUs: number;
  endUs: number;
  /** CPU milliseconds per stage ("gc" and "idle" included). */
  cpuMs: Map<string, number>;
  /** First and last sample of each stage, µs on the monotonic clock. */
  spans: Map<string, { firstUs: number; lastUs: number }>;
  /** Every sample's time per stage, µs on the monotonic clock, ascending. */
  times: Map<string, number[]>;
}

/** The first sample of `stage` at or after `afterUs`, or undefined. */
export function firstAfter(thread: ThreadSummary, stage: string, afterUs: number): number | undefined {
  return thread.times.get(stage)?.find((t) => t >= afterUs);
}

/** Summarises one profile. */
export function summariseProfile(file: string): ThreadSummary {
  const profile = JSON.parse(readFileSync(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parent.set(child, n.id);
  const stageById = new Map<number, string>();
  const stageOfNode = (id: number): string => {
    let stage = stageById.get(id);
    if (stage === undefined) {
      const name = byId.get(id)!.callFrame.functionName;
      if (name === '(idle)') stage = 'idle';
      else if (name === '(garbage collector)') stage = 'gc';
      else {
        const stack: string[] = [];
        for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) stack.push(byId.get(at)!.callFrame.url);
        stage = stageOf(stack);
      }
      stageById.set(id, stage);
    }
    return stage;
  };
  const cpuMs = new Map<string, number>();
  const spans = new Map<string, { firstUs: number; lastUs: number }>();
  const times = new Map<string, number[]>();
  let at = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    at += profile.timeDeltas[i] ?? 0;
    const stage = stageOfNode(profile.samples[i]!);
    // A sample stands for the time until the next one.
    cpuMs.set(stage, (cpuMs.get(stage) ?? 0) + (profile.timeDeltas[i + 1] ?? 0) / 1000);
    if (stage === 'idle') continue;
    const stageTimes = times.get(stage);
    if (stageTimes) stageTimes.push(at);
    else times.set(stage, [at]);
    const span = spans.get(stage);
    if (span) span.lastUs = at;
    else spans.set(stage, { firstUs: at, lastUs: at });
  }
  return { file, startUs: profile.startTime, endUs: profile.endTime, cpuMs, spans, times };
}

/** Every profile a `--cpu-prof-dir` holds, main thread first (node numbers them in start order). */
export function summariseProfiles(dir: string): ThreadSummary[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .sort()
    .map((f) => summariseProfile(join(dir, f)));
}
