/**
 * @module When a request is "the same" as a recorded one: method, layout, operation (model ids raw or
 * percent-encoded alike), query, credential class, and the body as canonical JSON (members sorted) with
 * volatile fields left out. Also says how far a request is from each recorded one, for strict replay's 404.
 */
import { createHash } from 'node:crypto';
import type { Operation } from '../targets/types.js';

/**
 * Request members left out of the comparison by default: they identify the caller or the call, not
 * what is asked (OpenAI's `user` and `metadata`). `mock --replay-ignore POINTER` adds more; a `*`
 * segment matches every array item or member.
 */
export const DEFAULT_VOLATILE_FIELDS: readonly string[] = ['/user', '/metadata'];

/** Which credential a request carries, as the emulator classes it. */
export type CredentialClass = 'default' | 'none' | 'invalid';

/** What is compared of a request. */
export interface MatchableRequest {
  method: string;
  layout: 'rest' | 'gateway';
  operation: Operation;
  query: Record<string, string>;
  credential: CredentialClass;
  /** The body: JSON when it parses as JSON, else its bytes. */
  body: { json: unknown } | { bytes: Uint8Array } | undefined;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Splits a JSON pointer into unescaped segments. */
function segments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** A copy of `value` without the members the pointers name. */
export function withoutFields(value: unknown, pointers: readonly string[]): unknown {
  let out = structuredClone(value);
  for (const pointer of pointers) out = remove(out, segments(pointer));
  return out;
}

function remove(value: unknown, path: readonly string[]): unknown {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  if (Array.isArray(value)) {
    if (head === '*') return rest.length ? value.map((item) => remove(item, rest)) : [];
    const index = Number(head);
    if (!Number.isInteger(index) || index < 0 || index >= value.length) return value;
    if (rest.length === 0) return value.filter((_, i) => i !== index);
    value[index] = remove(value[index], rest);
    return value;
  }
  if (!isObject(value)) return value;
  for (const key of head === '*' ? Object.keys(value) : [head]) {
    if (!(key in value)) continue;
    if (rest.length === 0) delete value[key];
    else value[key] = remove(value[key], rest);
  }
  return value;
}

/** JSON with members in sorted order at every depth, so key order never decides a match. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (isObject(value)) {
    return `{${Object.keys(value)
      .sort()
      .filter((k) => value[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}

/** The operation as a path below the API root, model ids decoded (`run/@cf/meta/...`). */
export function operationPath(operation: Operation): string {
  if (operation.kind === 'partner') return 'run';
  return operation.kind === 'run' ? `run/${operation.model}` : operation.kind === 'openai' ? `v1/${operation.endpoint}` : operation.endpoint;
}

/** How a request reads in messages: `POST /ai/run/@cf/meta/llama-3.1-8b-instruct`. */
export function requestLabel(request: Pick<MatchableRequest, 'method' | 'layout' | 'operation' | 'query'>): string {
  const query = new URLSearchParams(Object.entries(request.query).sort(([a], [b]) => a.localeCompare(b))).toString();
  return `${request.method} ${request.layout === 'gateway' ? '(gateway) ' : ''}/ai/${operationPath(request.operation)}${query ? `?${query}` : ''}`;
}

/** The key two requests share exactly when they match. */
export function matchKey(request: MatchableRequest, volatile: readonly string[]): string {
  const body = !request.body
    ? ''
    : 'json' in request.body
      ? canonicalJson(withoutFields(request.body.json, volatile))
      : `bytes:${createHash('sha256').update(request.body.bytes).digest('hex')}`;
  return `${requestLabel(request)} [${request.credential}] ${body}`;
}

/** The first place two JSON values differ (a pointer and both values in short), or undefined when equal. */
export function firstDifference(recorded: unknown, sent: unknown, path = ''): { path: string; recorded: string; sent: string } | undefined {
  const short = (v: unknown) => {
    const text = v === undefined ? 'nothing' : canonicalJson(v);
    return text.length > 60 ? `${text.slice(0, 59)}…` : text;
  };
  if (isObject(recorded) && isObject(sent)) {
    for (const key of [...new Set([...Object.keys(recorded), ...Object.keys(sent)])].sort()) {
      const found = firstDifference(recorded[key], sent[key], `${path}/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(recorded) && Array.isArray(sent) && recorded.length === sent.length) {
    for (let i = 0; i < recorded.length; i++) {
      const found = firstDifference(recorded[i], sent[i], `${path}/${i}`);
      if (found) return found;
    }
    return undefined;
  }
  return canonicalJson(recorded) === canonicalJson(sent) ? undefined : { path: path || '/', recorded: short(recorded), sent: short(sent) };
}

/** How many members (leaves) two JSON values differ in. */
function countDifferences(a: unknown, b: unknown): number {
  if (isObject(a) && isObject(b)) return [...new Set([...Object.keys(a), ...Object.keys(b)])].reduce((n, k) => n + countDifferences(a[k], b[k]), 0);
  if (Array.isArray(a) && Array.isArray(b)) return Array.from({ length: Math.max(a.length, b.length) }, (_, i) => countDifferences(a[i], b[i])).reduce((x, y) => x + y, 0);
  return canonicalJson(a) === canonicalJson(b) ? 0 : 1;
}

/**
 * How far `sent` is from `recorded` (0 = they match), and the first difference in words. The method,
 * layout and operation weigh most, then the query and credential, then the body.
 */
export function distance(recorded: MatchableRequest, sent: MatchableRequest, volatile: readonly string[]): { score: number; difference?: string } {
  if (recorded.method !== sent.method) return { score: 10_000, difference: `method ${recorded.method}, not ${sent.method}` };
  if (recorded.layout !== sent.layout) return { score: 5_000, difference: `the ${recorded.layout} layout, not ${sent.layout}` };
  const recordedPath = operationPath(recorded.operation);
  const sentPath = operationPath(sent.operation);
  if (recordedPath !== sentPath) {
    let common = 0;
    while (common < recordedPath.length && recordedPath[common] === sentPath[common]) common++;
    return { score: 1_000 + Math.max(recordedPath.length, sentPath.length) - common, difference: `path /ai/${recordedPath}` };
  }
  const rq = canonicalJson(recorded.query);
  const sq = canonicalJson(sent.query);
  if (rq !== sq) return { score: 500, difference: `query ${rq}, not ${sq}` };
  if (recorded.credential !== sent.credential) return { score: 400, difference: `a request with credential "${recorded.credential}", not "${sent.credential}"` };
  const body = (request: MatchableRequest) => (!request.body ? undefined : 'json' in request.body ? withoutFields(request.body.json, volatile) : { bytes: createHash('sha256').update(request.body.bytes).digest('hex') });
  const found = firstDifference(body(recorded), body(sent));
  if (!found) return { score: 0 };
  return { score: 1 + countDifferences(body(recorded), body(sent)), difference: `the body at ${found.path}: recorded ${found.recorded}, sent ${found.sent}` };
}
