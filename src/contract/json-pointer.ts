/** @module RFC 6901 JSON pointers: escape, parse, and look up. */

/** Escapes one reference token (`~` → `~0`, `/` → `~1`). */
export function escapeToken(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

/** Splits a pointer into unescaped tokens; "" is the root. */
export function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/')) throw new Error(`JSON pointer must start with "/": ${JSON.stringify(pointer)}`);
  return pointer
    .slice(1)
    .split('/')
    .map((t) => t.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Joins tokens into a pointer. */
export function toPointer(tokens: readonly (string | number)[]): string {
  return tokens.map((t) => `/${escapeToken(String(t))}`).join('');
}

/** Returns the value at `pointer`, or undefined when a token does not resolve. */
export function getAtPointer(document: unknown, pointer: string): unknown {
  let node: unknown = document;
  for (const token of parsePointer(pointer)) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string, unknown>)[token];
  }
  return node;
}

/**
 * Follows local `#/...` `$ref`s of `document` starting at `value` (OpenAPI's components/responses,
 * components/headers), returning the first node that is not such a reference. Bounded, so a
 * reference cycle cannot hang the caller.
 */
export function followLocalRefs(document: unknown, value: unknown, maxHops = 8): unknown {
  let node = value;
  for (let hops = 0; hops < maxHops; hops++) {
    if (node === null || typeof node !== 'object' || Array.isArray(node)) break;
    const ref = (node as { $ref?: unknown }).$ref;
    if (typeof ref !== 'string' || !ref.startsWith('#/')) break;
    node = getAtPointer(document, ref.slice(1));
  }
  return node;
}
