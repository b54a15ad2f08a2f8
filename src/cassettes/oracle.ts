/**
 * @module `run --oracle FILE.har`: differential conformance against recorded answers. Every recorded
 * execution becomes one planned case that sends its requests again; `oracle.parity` compares each answer
 * with the recorded one by structure.
 */
import type { Contract } from '../contract/contract.js';
import type { RunOptions } from '../harness/options.js';
import type { PlannedCase } from '../harness/plan.js';
import { readHar } from './cassette-file.js';
import { readExecutions, type ReadHar, type RecordedGroup } from './executions.js';

const loaded = new Map<string, { contract: Contract; read: ReadHar }>();

/** The executions of an oracle cassette, read once per process and contract. */
export function oracleExecutions(path: string, contract: Contract): ReadHar {
  const cached = loaded.get(path);
  if (cached && cached.contract === contract) return cached.read;
  const read = readExecutions(readHar(path), contract);
  loaded.set(path, { contract, read });
  return read;
}

/** The recorded execution a planned oracle case sends again. */
export function oracleGroup(path: string, contract: Contract, id: string): RecordedGroup | undefined {
  return oracleExecutions(path, contract).groups.find((g) => g.id === id);
}

/**
 * One case per recorded execution (whose requests a target can be sent: the AI Gateway layout only when
 * the run has a gateway target), filed under the recorded execution's endpoint.
 */
export function planOracle(contract: Contract, options: RunOptions, gateway: boolean): PlannedCase[] {
  const { groups } = oracleExecutions(options.oracle!, contract);
  const checks = options.checks.length ? (['oracle.parity'] as const).filter((c) => options.checks.includes(c)) : (['oracle.parity'] as const);
  if (checks.length === 0) return [];
  const cases: PlannedCase[] = [];
  for (const group of groups) {
    const sendable = group.items.filter((item) => gateway || item.read.located.layout !== 'gateway');
    if (sendable.length === 0) continue;
    cases.push({
      area: 'oracle',
      kind: 'oracle',
      ...(group.model ? { model: group.model } : {}),
      checks: [...checks],
      endpoint: group.views[0]?.endpoint ?? group.kind,
      requests: sendable.length,
      recorded: group.id,
    });
  }
  return cases;
}
