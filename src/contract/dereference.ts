/** @module Inlines `$ref`s across contract documents, for consumers that walk schemas (generators, the emulator). */
import { getAtPointer } from './json-pointer.js';
import type { JsonSchema } from './types.js';

/** Finds a registered contract document by absolute URI (without fragment). */
export type DocumentLookup = (uri: string) => unknown;

type Obj = Record<string, unknown>;

/**
 * Returns a copy of `schema` (found in the document at `baseUri`) with every `$ref` replaced by
 * the schema it points to, resolved relative to the document it appears in. Recursive references
 * are left as they are (an absolute `$ref`) rather than expanded forever.
 */
export function inlineRefs(schema: JsonSchema, baseUri: string, lookup: DocumentLookup): JsonSchema {
  const walk = (node: unknown, base: string, seen: readonly string[]): unknown => {
    if (Array.isArray(node)) return node.map((item) => walk(item, base, seen));
    if (node === null || typeof node !== 'object') return node;
    const object = node as Obj;
    const result: Obj = {};
    for (const [key, value] of Object.entries(object)) {
      if (key === '$ref' && typeof value === 'string') continue;
      // `properties`, `$defs` etc. hold maps of schemas; walking values covers them too.
      result[key] = walk(value, base, seen);
    }
    const ref = object.$ref;
    if (typeof ref !== 'string') return result;
    const absolute = new URL(ref, base).href;
    if (seen.includes(absolute)) return { ...result, $ref: absolute };
    const [documentUri = '', fragment = ''] = absolute.split('#');
    const target = getAtPointer(lookup(documentUri), decodeURIComponent(fragment));
    if (target === undefined) throw new Error(`$ref ${ref} (from ${base}) does not resolve`);
    const inlined = walk(target, documentUri, [...seen, absolute]);
    // Sibling keywords of $ref apply too (2020-12); merge them over the target.
    return typeof inlined === 'object' && inlined !== null && !Array.isArray(inlined) ? { ...(inlined as Obj), ...result } : inlined;
  };
  return walk(schema, baseUri, []) as JsonSchema;
}
