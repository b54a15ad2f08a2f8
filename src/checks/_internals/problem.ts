/** @module Problems: findings before they carry a check id, so one rule can serve several checks. */
import { escapeToken, parsePointer } from '../../contract/json-pointer.js';
import { formatSchemaError, shortJson } from '../../contract/schema-errors.js';
import type { SchemaError } from '../../contract/types.js';
import type { CheckId, Finding, Severity } from '../types.js';

/** What a rule found, with the JSON pointer it is about; a check turns it into a Finding. */
export interface Problem {
  message: string;
  instancePath: string;
  expected?: string;
  actual?: string;
  /** `warning` when the rule rests on documentation alone (see {@link docsOnly}); absent: an error. */
  severity?: Severity;
}

export { shortJson };

/** Appends tokens to a pointer. */
export function at(pointer: string, ...tokens: (string | number)[]): string {
  return pointer + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** A pointer as people read it: `/result/data/0` → `result.data[0]`, "" → `the body`. */
export function pathLabel(pointer: string): string {
  if (pointer === '') return 'the body';
  let label = '';
  for (const token of parsePointer(pointer)) {
    if (/^(0|[1-9][0-9]*)$/.test(token)) label += `[${token}]`;
    else if (/^[A-Za-z_$][\w$-]*$/.test(token)) label += label ? `.${token}` : token;
    else label += `[${JSON.stringify(token)}]`;
  }
  return label;
}

/** Builds a problem whose message starts with where it is. */
export function problem(instancePath: string, what: string, expected?: string, actual?: string): Problem {
  return {
    message: `${pathLabel(instancePath)} ${what}`,
    instancePath,
    ...(expected !== undefined ? { expected } : {}),
    ...(actual !== undefined ? { actual } : {}),
  };
}

/**
 * Marks problems of a rule that rests on documentation alone: the real API is not known to behave so
 * (no real answer shows it, or real answers contradict it). They are warnings: reported apart, and
 * counted for the exit code only by `run --strict`. Each caller says in a comment why its rule is one.
 */
export function docsOnly(problems: readonly Problem[]): Problem[] {
  return problems.map((p) => ({ ...p, severity: 'warning' }));
}

/** Gives problems a check id. */
export function toFindings(check: CheckId, problems: readonly Problem[]): Finding[] {
  return problems.map((p) => ({ check, ...p }));
}

/** Schema errors as problems; `against` names the schema (`the output schema of @cf/...`). */
export function schemaProblems(errors: readonly SchemaError[], against: string): Problem[] {
  return errors.map((error) => ({
    message: `${formatSchemaError(error)} against ${against}`,
    instancePath: error.instancePath,
    expected: error.expected,
    actual: error.actual,
  }));
}

/** A number for messages: integers as is, others to 4 significant digits. */
export function num(value: number): string {
  return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(4)));
}

/** Keeps the first `limit` problems and says how many were left out, so one broken stream cannot flood a report. */
export function capProblems(problems: Problem[], limit: number, what: string): Problem[] {
  if (problems.length <= limit) return problems;
  const kept = problems.slice(0, limit);
  kept.push({ message: `… and ${problems.length - limit} more ${what} like the above`, instancePath: '' });
  return kept;
}
