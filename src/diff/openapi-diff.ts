/**
 * @module openapi.yaml, old against new, the way oasdiff reads it: paths and operations, parameters,
 * request bodies and their media types, response statuses, media types and headers, and every
 * request and response schema (requests as input, answers as output; see classify.ts).
 * Local `$ref`s are followed; pointers go through them as if they were inlined
 * (`/paths/~1accounts~1{account_id}~1ai~1run~1{model}/post/responses/200/content/...`).
 * Component schemas that no path reaches (the checks, the emulator and `validate` read them by name: the observed
 * error forms, the Batch API's bodies) are compared where they stand (`/components/schemas/<name>`), as requests or
 * answers as `x-wai.direct-components` says (unlisted: both ways, the more severe level).
 */
import { escapeToken, getAtPointer } from '../contract/json-pointer.js';
import { classifySchemaChange, COMPONENT_LEVELS, describeSchemaChange, maxLevel, OPENAPI_CHANGE_LEVELS } from './classify.js';
import { diffSchemas, sameJson } from './schema-diff.js';
import type { DiffEntry, Direction, OpenapiChangeKind } from './types.js';

type Obj = Record<string, unknown>;
const isObject = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const at = (pointer: string, ...tokens: (string | number)[]) => pointer + tokens.map((t) => `/${escapeToken(String(t))}`).join('');
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

/** An openapi.yaml change before it is placed (scope openapi). */
export type OpenapiEntry = Omit<DiffEntry, 'scope'>;

/** Follows a chain of local `$ref`s at the top of `node` (siblings of `$ref` win). */
function resolve(doc: Obj, node: unknown, depth = 0): Obj | undefined {
  if (!isObject(node)) return undefined;
  if (typeof node.$ref !== 'string' || !node.$ref.startsWith('#') || depth > 32) return node;
  const { $ref, ...siblings } = node;
  const target = resolve(doc, getAtPointer(doc, decodeURIComponent(($ref as string).slice(1))), depth + 1);
  return target ? { ...target, ...siblings } : node;
}

/** A copy of `node` with every local `$ref` inlined; a reference to itself is left as it is. */
function inline(doc: Obj, node: unknown, seen: readonly string[] = []): unknown {
  if (Array.isArray(node)) return node.map((item) => inline(doc, item, seen));
  if (!isObject(node)) return node;
  const result: Obj = {};
  for (const [key, value] of Object.entries(node)) if (key !== '$ref') result[key] = inline(doc, value, seen);
  const ref = node.$ref;
  if (typeof ref !== 'string') return result;
  if (!ref.startsWith('#') || seen.includes(ref)) return { ...result, $ref: ref };
  const target = getAtPointer(doc, decodeURIComponent(ref.slice(1)));
  if (target === undefined) return { ...result, $ref: ref };
  const inlined = inline(doc, target, [...seen, ref]);
  return isObject(inlined) ? { ...inlined, ...result } : inlined;
}

/** Every local `$ref` reachable from the document's paths, followed through the components they name. */
function reachedRefs(doc: Obj): Set<string> {
  const seen = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item);
      return;
    }
    if (!isObject(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith('#')) {
        if (seen.has(value)) continue;
        seen.add(value);
        walk(getAtPointer(doc, decodeURIComponent(value.slice(1))));
      } else walk(value);
    }
  };
  walk(doc.paths);
  return seen;
}

function componentSchemas(doc: Obj): Obj {
  const components = isObject(doc.components) ? doc.components : {};
  return isObject(components.schemas) ? components.schemas : {};
}

/** `x-wai.direct-components`: which components read by name are requests (`input`) and which answers (`output`). */
function directComponents(doc: Obj): Record<string, Direction> {
  const xwai = isObject(doc['x-wai']) ? doc['x-wai'] : {};
  const listed = isObject(xwai['direct-components']) ? xwai['direct-components'] : {};
  const out: Record<string, Direction> = {};
  for (const direction of ['input', 'output'] as const) {
    const names = listed[direction];
    if (Array.isArray(names)) for (const name of names) if (typeof name === 'string') out[name] = direction;
  }
  return out;
}

class OpenapiDiff {
  readonly entries: OpenapiEntry[] = [];
  constructor(
    private readonly a: Obj,
    private readonly b: Obj,
  ) {}

  private add(kind: OpenapiChangeKind, pointer: string, message: string, extra: Partial<OpenapiEntry> = {}): void {
    this.entries.push({ kind, pointer, ...extra, levels: { ...OPENAPI_CHANGE_LEVELS[kind] }, message });
  }

  private schemas(x: unknown, y: unknown, pointer: string, direction: Direction): void {
    if (x === undefined && y === undefined) return;
    for (const change of diffSchemas(inline(this.a, x ?? true) as never, inline(this.b, y ?? true) as never, pointer)) {
      const { effect: _effect, closed: _closed, ...rest } = change;
      this.entries.push({ ...rest, part: direction, levels: classifySchemaChange(change, direction), message: describeSchemaChange(change) });
    }
  }

  run(): OpenapiEntry[] {
    const pa = isObject(this.a.paths) ? this.a.paths : {};
    const pb = isObject(this.b.paths) ? this.b.paths : {};
    for (const path of Object.keys(pa)) if (!(path in pb)) this.add('path-removed', at('', 'paths', path), `path ${path} removed`);
    for (const path of Object.keys(pb)) {
      const pointer = at('', 'paths', path);
      if (!(path in pa)) {
        this.add('path-added', pointer, `path ${path} added`);
        continue;
      }
      const ia = resolve(this.a, pa[path]) ?? {};
      const ib = resolve(this.b, pb[path]) ?? {};
      for (const method of METHODS) {
        const p = at(pointer, method);
        const name = `${method.toUpperCase()} ${path}`;
        if (ia[method] === undefined && ib[method] === undefined) continue;
        if (ib[method] === undefined) this.add('operation-removed', p, `operation ${name} removed`);
        else if (ia[method] === undefined) this.add('operation-added', p, `operation ${name} added`);
        else this.operation(ia, ib, resolve(this.a, ia[method]) ?? {}, resolve(this.b, ib[method]) ?? {}, p, name);
      }
    }
    this.components();
    return this.entries;
  }

  /**
   * Component schemas that no path reaches in either document, compared by name: otherwise a change to a schema the
   * checks read directly (ObservedErrorBody, ...) would go unreported.
   */
  private components(): void {
    const reached = new Set([...reachedRefs(this.a), ...reachedRefs(this.b)]);
    const ca = componentSchemas(this.a);
    const cb = componentSchemas(this.b);
    const directions = { ...directComponents(this.a), ...directComponents(this.b) };
    const whole = (kind: 'component-added' | 'component-removed', name: string) => {
      const direction = directions[name];
      const levels = direction ? COMPONENT_LEVELS[kind][direction] : OPENAPI_CHANGE_LEVELS[kind];
      const what = direction === 'input' ? 'a request schema' : direction === 'output' ? 'an answer schema' : 'a schema';
      const message = `component ${name} ${kind === 'component-added' ? 'added' : 'removed'} (${what} no path reaches: the checks read it by name)`;
      this.entries.push({ kind, pointer: at('', 'components', 'schemas', name), ...(direction ? { part: direction } : {}), levels: { ...levels }, message });
    };
    for (const name of Object.keys(ca)) {
      if (reached.has(`#/components/schemas/${name}`) || name in cb) continue;
      whole('component-removed', name);
    }
    for (const name of Object.keys(cb)) {
      if (reached.has(`#/components/schemas/${name}`)) continue;
      const pointer = at('', 'components', 'schemas', name);
      if (!(name in ca)) {
        whole('component-added', name);
        continue;
      }
      const direction = directions[name];
      if (direction) this.schemas(ca[name], cb[name], pointer, direction);
      else this.eitherWay(ca[name], cb[name], pointer);
    }
  }

  /** A schema whose direction is not stated: each change at the more severe of its levels as a request and as an answer. */
  private eitherWay(x: unknown, y: unknown, pointer: string): void {
    for (const change of diffSchemas(inline(this.a, x) as never, inline(this.b, y) as never, pointer)) {
      const { effect: _effect, closed: _closed, ...rest } = change;
      const asInput = classifySchemaChange(change, 'input');
      const asOutput = classifySchemaChange(change, 'output');
      this.entries.push({ ...rest, levels: { client: maxLevel(asInput.client, asOutput.client), mock: maxLevel(asInput.mock, asOutput.mock) }, message: describeSchemaChange(change) });
    }
  }

  private operation(ia: Obj, ib: Obj, oa: Obj, ob: Obj, pointer: string, name: string): void {
    if (oa.operationId !== ob.operationId) {
      this.add('operation-id-changed', at(pointer, 'operationId'), `operationId of ${name} changed: ${String(oa.operationId)} → ${String(ob.operationId)}`, { before: oa.operationId, after: ob.operationId });
    }
    if (!oa.deprecated && ob.deprecated === true) this.add('operation-deprecated', at(pointer, 'deprecated'), `${name} deprecated`);
    const security = (doc: Obj, op: Obj) => op.security ?? doc.security;
    if (!sameJson(security(this.a, oa), security(this.b, ob))) {
      this.add('security-changed', at(pointer, 'security'), `security of ${name} changed`, { before: security(this.a, oa), after: security(this.b, ob) });
    }
    const servers = (doc: Obj, item: Obj, op: Obj) => op.servers ?? item.servers ?? doc.servers;
    if (!sameJson(servers(this.a, ia, oa), servers(this.b, ib, ob))) {
      this.add('servers-changed', at(pointer, 'servers'), `servers of ${name} changed`, { before: servers(this.a, ia, oa), after: servers(this.b, ib, ob) });
    }
    this.parameters(ia, ib, oa, ob, pointer);
    this.requestBody(oa, ob, pointer);
    this.responses(oa, ob, pointer);
  }

  /** Path-level then operation-level parameters, by `in` and name (header names case-insensitively). */
  private collect(doc: Obj, item: Obj, op: Obj, pointer: string): Map<string, { param: Obj; pointer: string; label: string }> {
    const params = new Map<string, { param: Obj; pointer: string; label: string }>();
    const itemPointer = pointer.slice(0, pointer.lastIndexOf('/'));
    for (const [list, base] of [
      [item.parameters, at(itemPointer, 'parameters')],
      [op.parameters, at(pointer, 'parameters')],
    ] as const) {
      if (!Array.isArray(list)) continue;
      list.forEach((raw, i) => {
        const param = resolve(doc, raw);
        if (!param || typeof param.name !== 'string') return;
        const where = String(param.in);
        params.set(`${where}:${where === 'header' ? param.name.toLowerCase() : param.name}`, { param, pointer: at(base, i), label: `${where} parameter ${param.name}` });
      });
    }
    return params;
  }

  private parameters(ia: Obj, ib: Obj, oa: Obj, ob: Obj, pointer: string): void {
    const ma = this.collect(this.a, ia, oa, pointer);
    const mb = this.collect(this.b, ib, ob, pointer);
    for (const [key, { pointer: p, label }] of ma) if (!mb.has(key)) this.add('parameter-removed', p, `${label} removed`);
    for (const [key, { param: pb, pointer: p, label }] of mb) {
      const old = ma.get(key);
      if (!old) {
        this.add(pb.required === true ? 'required-parameter-added' : 'optional-parameter-added', p, `${pb.required === true ? 'required' : 'optional'} ${label} added`);
        continue;
      }
      const [was, is] = [old.param.required === true, pb.required === true];
      if (!was && is) this.add('parameter-became-required', at(p, 'required'), `${label} is now required`);
      if (was && !is) this.add('parameter-became-optional', at(p, 'required'), `${label} is no longer required`);
      this.schemas(old.param.schema, pb.schema, at(p, 'schema'), 'input');
    }
  }

  private requestBody(oa: Obj, ob: Obj, pointer: string): void {
    const ra = resolve(this.a, oa.requestBody);
    const rb = resolve(this.b, ob.requestBody);
    if (!ra && !rb) return;
    const p = at(pointer, 'requestBody');
    const [was, is] = [ra?.required === true, rb?.required === true];
    if (!was && is) this.add('request-body-became-required', at(p, 'required'), 'request body is now required');
    if (was && !is) this.add('request-body-became-optional', at(p, 'required'), 'request body is no longer required');
    const ca = isObject(ra?.content) ? ra.content : {};
    const cb = isObject(rb?.content) ? rb.content : {};
    for (const type of Object.keys(ca)) if (!(type in cb)) this.add('request-media-type-removed', at(p, 'content', type), `request media type ${type} removed`, { values: [type] });
    for (const type of Object.keys(cb)) {
      if (!(type in ca)) this.add('request-media-type-added', at(p, 'content', type), `request media type ${type} added`, { values: [type] });
      else this.schemas((resolve(this.a, ca[type]) ?? {}).schema, (resolve(this.b, cb[type]) ?? {}).schema, at(p, 'content', type, 'schema'), 'input');
    }
  }

  private responses(oa: Obj, ob: Obj, pointer: string): void {
    const ra = isObject(oa.responses) ? oa.responses : {};
    const rb = isObject(ob.responses) ? ob.responses : {};
    const success = (status: string) => /^2/.test(status);
    for (const status of Object.keys(ra)) {
      if (!(status in rb)) this.add(success(status) ? 'success-status-removed' : 'error-status-removed', at(pointer, 'responses', status), `response status ${status} removed`, { values: [status] });
    }
    for (const status of Object.keys(rb)) {
      const p = at(pointer, 'responses', status);
      if (!(status in ra)) {
        this.add(success(status) ? 'success-status-added' : 'error-status-added', p, `response status ${status} added`, { values: [status] });
        continue;
      }
      const xa = resolve(this.a, ra[status]) ?? {};
      const xb = resolve(this.b, rb[status]) ?? {};
      this.errorCodes(xa, xb, p, status);
      const ca = isObject(xa.content) ? xa.content : {};
      const cb = isObject(xb.content) ? xb.content : {};
      for (const type of Object.keys(ca)) if (!(type in cb)) this.add('response-media-type-removed', at(p, 'content', type), `${status} response media type ${type} removed`, { values: [type] });
      for (const type of Object.keys(cb)) {
        const q = at(p, 'content', type);
        if (!(type in ca)) {
          this.add('response-media-type-added', q, `${status} response media type ${type} added`, { values: [type] });
          continue;
        }
        const ma = resolve(this.a, ca[type]) ?? {};
        const mb = resolve(this.b, cb[type]) ?? {};
        this.schemas(ma.schema, mb.schema, at(q, 'schema'), 'output');
        const sa = isObject(ma['x-wai-sse']) ? ma['x-wai-sse'] : {};
        const sb = isObject(mb['x-wai-sse']) ? mb['x-wai-sse'] : {};
        this.schemas(sa.data, sb.data, at(q, 'x-wai-sse', 'data'), 'output');
        if (!sameJson(sa.terminator, sb.terminator)) {
          this.add('sse-terminator-changed', at(q, 'x-wai-sse', 'terminator'), `event stream terminator changed: ${JSON.stringify(sa.terminator ?? null)} → ${JSON.stringify(sb.terminator ?? null)}`, { before: sa.terminator, after: sb.terminator });
        }
      }
      this.headers(xa, xb, p, status);
    }
  }

  /** The v4 error codes a status lists, documented (`x-wai-error-codes`) or observed (`x-wai-observed-error-codes`): either is a known answer. */
  private errorCodes(xa: Obj, xb: Obj, pointer: string, status: string): void {
    const codes = (x: Obj) => {
      const byCode = new Map<number, string>();
      for (const key of ['x-wai-error-codes', 'x-wai-observed-error-codes']) {
        for (const code of Array.isArray(x[key]) ? (x[key] as unknown[]) : []) if (typeof code === 'number' && !byCode.has(code)) byCode.set(code, key);
      }
      return byCode;
    };
    const ca = codes(xa);
    const cb = codes(xb);
    for (const [code, key] of ca) if (!cb.has(code)) this.add('error-code-removed', at(pointer, key), `${status} error code ${code} removed`, { values: [code] });
    for (const [code, key] of cb) if (!ca.has(code)) this.add('error-code-added', at(pointer, key), `${status} error code ${code} added`, { values: [code] });
  }

  private headers(xa: Obj, xb: Obj, pointer: string, status: string): void {
    const lower = (h: unknown) => new Map(Object.entries(isObject(h) ? h : {}).map(([k, v]) => [k.toLowerCase(), { name: k, value: v }]));
    const ha = lower(xa.headers);
    const hb = lower(xb.headers);
    for (const [key, { name }] of ha) if (!hb.has(key)) this.add('response-header-removed', at(pointer, 'headers', name), `${status} response header ${name} removed`);
    for (const [key, { name, value }] of hb) {
      const p = at(pointer, 'headers', name);
      const header = resolve(this.b, value) ?? {};
      const old = ha.get(key);
      if (!old) {
        const required = header.required === true;
        this.add(required ? 'required-response-header-added' : 'response-header-added', p, `${required ? 'required ' : ''}${status} response header ${name} added`);
        continue;
      }
      this.schemas((resolve(this.a, old.value) ?? {}).schema, header.schema, at(p, 'schema'), 'output');
    }
  }
}

/** Every change between two OpenAPI documents. */
export function diffOpenapi(before: Record<string, unknown>, after: Record<string, unknown>): OpenapiEntry[] {
  return new OpenapiDiff(before, after).run();
}
