/** @module spec/enforcement.yaml: how strongly the real API is known to enforce each kind of input rule, and the severity that follows. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Contract } from './contract.js';
import { ContractError } from './errors.js';
import { displayPath, readDocument } from './files.js';
import type { ModelEntry } from './types.js';

/** The evidence that the real API enforces a rule. */
export const ENFORCEMENT_CLASSES = ['documented-and-observed', 'documented', 'unknown', 'contradicted'] as const;
export type EnforcementClass = (typeof ENFORCEMENT_CLASSES)[number];

/** How much a finding weighs: `error` fails a run, `warning` only under `--strict`. */
export type Severity = 'error' | 'warning';

/** One piece of evidence, as spec/enforcement.yaml cites it. */
export interface Evidence {
  kind: 'observed' | 'documented' | 'contradicting' | 'none';
  source?: string;
  note?: string;
}

/** Where an override applies: every given field must match. */
export interface EnforcementWhere {
  rules?: string[];
  /** A regular expression over the JSON pointer into the input. */
  pointer?: string;
  tasks?: string[];
  models?: string[];
}

/** A kind of rule (a JSON Schema keyword), or an override refining kinds by place. */
export interface EnforcementEntry {
  /** The keyword for kinds; the override's id for overrides. */
  id: string;
  name: string;
  class: EnforcementClass;
  evidence: Evidence[];
  where?: EnforcementWhere;
}

/** The parsed document. */
export interface EnforcementTable {
  kinds: EnforcementEntry[];
  overrides: EnforcementEntry[];
}

/** A broken rule as the invalid-input generator describes it. */
export interface BrokenRule {
  rule: string;
  pointer: string;
}

/** The verdict for one broken rule: which entry decided, its class, and the severity of a target accepting the input. */
export interface EnforcementVerdict {
  /** The kind (keyword) or override id that decided. */
  kind: string;
  class: EnforcementClass;
  /** Undefined for `contradicted`: such input is not a failure at all, so it is not generated. */
  severity?: Severity;
}

/** The rule by which evidence becomes severity: only established enforcement makes an error. */
export function severityOfClass(evidence: EnforcementClass): Severity | undefined {
  if (evidence === 'documented-and-observed') return 'error';
  if (evidence === 'contradicted') return undefined;
  return 'warning';
}

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Validates one entry; the document is hand-written, so a slip must name its place. */
function parseEntry(file: string, pointer: string, id: string, raw: unknown, override: boolean): EnforcementEntry {
  const fail = (detail: string): never => {
    throw new ContractError(displayPath(file), pointer, detail);
  };
  if (!isObject(raw)) fail('expected an object');
  const entry = raw as Obj;
  if (!ENFORCEMENT_CLASSES.includes(entry.class as EnforcementClass)) fail(`class must be one of ${ENFORCEMENT_CLASSES.join(', ')}, found ${JSON.stringify(entry.class)}`);
  if (typeof entry.name !== 'string' || entry.name === '') fail('name must be a non-empty string');
  if (!Array.isArray(entry.evidence) || entry.evidence.length === 0) fail('evidence must cite at least one source (or say there is none)');
  const evidence = (entry.evidence as unknown[]).map((e, i) => {
    if (!isObject(e) || !['observed', 'documented', 'contradicting', 'none'].includes(e.kind as string)) fail(`evidence/${i}: kind must be observed, documented, contradicting or none`);
    return e as unknown as Evidence;
  });
  const result: EnforcementEntry = { id, name: entry.name as string, class: entry.class as EnforcementClass, evidence };
  if (override) {
    if (!isObject(entry.where) || Object.keys(entry.where).length === 0) fail('an override needs a non-empty `where`');
    const where = entry.where as Obj;
    for (const key of Object.keys(where)) if (!['rules', 'pointer', 'tasks', 'models'].includes(key)) fail(`where.${key} is not one of rules, pointer, tasks, models`);
    for (const key of ['rules', 'tasks', 'models'] as const) {
      if (where[key] !== undefined && (!Array.isArray(where[key]) || !(where[key] as unknown[]).every((s) => typeof s === 'string'))) fail(`where.${key} must be a list of strings`);
    }
    if (where.pointer !== undefined) {
      if (typeof where.pointer !== 'string') fail('where.pointer must be a regular expression string');
      try {
        new RegExp(where.pointer as string, 'u');
      } catch (cause) {
        fail(`where.pointer is not a regular expression: ${(cause as Error).message}`);
      }
    }
    result.where = where as EnforcementWhere;
  }
  return result;
}

/** Parses the document (exported for tests of hand-written tables). */
export function parseEnforcement(document: unknown, file = 'enforcement.yaml'): EnforcementTable {
  if (!isObject(document) || !isObject(document.kinds)) throw new ContractError(displayPath(file), '', 'expected `kinds:` (an object keyed by JSON Schema keyword)');
  const kinds = Object.entries(document.kinds).map(([id, raw]) => parseEntry(file, `/kinds/${id}`, id, raw, false));
  const rawOverrides = document.overrides ?? [];
  if (!Array.isArray(rawOverrides)) throw new ContractError(displayPath(file), '/overrides', 'expected a list');
  const overrides = rawOverrides.map((raw, i) => {
    const id = isObject(raw) && typeof raw.id === 'string' ? raw.id : '';
    if (!id) throw new ContractError(displayPath(file), `/overrides/${i}`, 'an override needs an id');
    return parseEntry(file, `/overrides/${i}`, id, raw, true);
  });
  return { kinds, overrides };
}

/** Classifies broken rules by a table. */
export class Enforcement {
  private readonly kinds: Map<string, EnforcementEntry>;
  private readonly patterns = new Map<EnforcementEntry, RegExp>();

  constructor(readonly table: EnforcementTable) {
    this.kinds = new Map(table.kinds.map((k) => [k.id, k]));
    for (const o of table.overrides) if (o.where?.pointer) this.patterns.set(o, new RegExp(o.where.pointer, 'u'));
  }

  /**
   * The class of a broken rule for a model: the override that matches last, else the rule's kind.
   * A rule the table does not list is `unknown` (a warning): no evidence, no error.
   */
  classify(broken: BrokenRule, model?: Pick<ModelEntry, 'id' | 'task'>): EnforcementVerdict {
    let decided: EnforcementEntry | undefined = this.kinds.get(broken.rule);
    for (const o of this.table.overrides) if (this.matches(o, broken, model)) decided = o;
    if (!decided) return { kind: broken.rule, class: 'unknown', severity: 'warning' };
    const severity = severityOfClass(decided.class);
    return { kind: decided.id, class: decided.class, ...(severity ? { severity } : {}) };
  }

  private matches(o: EnforcementEntry, broken: BrokenRule, model?: Pick<ModelEntry, 'id' | 'task'>): boolean {
    const where = o.where ?? {};
    if (where.rules && !where.rules.includes(broken.rule)) return false;
    if (where.tasks && (!model || !where.tasks.includes(model.task))) return false;
    if (where.models && (!model || !where.models.includes(model.id))) return false;
    const pattern = this.patterns.get(o);
    return !pattern || pattern.test(broken.pointer);
  }
}

const loaded = new WeakMap<Contract, Enforcement>();

/**
 * The enforcement table of a contract (spec/enforcement.yaml beside openapi.yaml), read once. A contract
 * without the file (an older or hand-built one) has no evidence: every rule is `unknown`, so a warning.
 */
export function enforcementOf(contract: Contract): Enforcement {
  let enforcement = loaded.get(contract);
  if (!enforcement) {
    const file = join(contract.dir, 'enforcement.yaml');
    enforcement = new Enforcement(existsSync(file) ? parseEnforcement(readDocument(file), file) : { kinds: [], overrides: [] });
    loaded.set(contract, enforcement);
  }
  return enforcement;
}
