/** @module The one ajv configuration the whole project validates with (2020-12, formats, vendor keywords). */
import { createRequire } from 'node:module';
import type { Ajv2020 } from 'ajv/dist/2020.js';

type LengthFunction = ((text: string) => number) & { code: string };
const require = createRequire(import.meta.url);
const ajvRuntime = require('ajv/dist/runtime/ucs2length') as { default: LengthFunction };

/**
 * `minLength`/`maxLength` count code points, so ajv walks every character of every string; on a
 * base64 image that costs more than parsing the whole answer. An ASCII-only string (checked by
 * the native UTF-8 length) has as many code points as UTF-16 units, so only others need the walk.
 * ajv takes the function from this module when it compiles, so replacing the export is enough.
 */
if (!('fastAscii' in ajvRuntime.default)) {
  const walk = ajvRuntime.default;
  const fast = ((text: string) => (Buffer.byteLength(text, 'utf8') === text.length ? text.length : walk(text))) as LengthFunction & { fastAscii: true };
  fast.code = walk.code;
  fast.fastAscii = true;
  ajvRuntime.default = fast;
}

/** Base URI under which every contract document is registered, so relative `$ref`s resolve as files do. */
export const SPEC_BASE_URI = 'https://wai-conformance.local/spec/';

/**
 * Vendor keywords the contract uses. Cloudflare's catalogue puts `contentType` on output schemas
 * (`image/png`, `audio/mpeg`); it is an annotation, not an assertion, so it is declared, not enforced.
 * Unknown keywords elsewhere stay errors (strict mode) so a typo in spec/ cannot silently weaken a check.
 */
const ANNOTATION_KEYWORDS = ['contentType', 'example'];

/**
 * openapi.yaml is registered as `{ $id, components }` so `#/components/schemas/...` refs resolve;
 * ajv compiles a document's root when asked for a fragment of it, so the container must be known.
 */
const CONTAINER_KEYWORDS = ['components'];

/** Options of the project's ajv instances that change what a compiled validator does. */
export interface AjvOptions {
  /** Report every error (what users read) rather than stop at the first (the hot path). Default true. */
  allErrors?: boolean;
  /** Keep each validator's source, so it can be cached as standalone code (see validator-cache.ts). */
  source?: boolean;
}

/**
 * Creates the project's ajv instance. ajv is loaded here, on first use, not when this module is
 * imported: a process whose validators all come from the cache never loads the compiler at all.
 */
export function createAjv(options: AjvOptions = {}): Ajv2020 {
  const { Ajv2020 } = require('ajv/dist/2020.js') as typeof import('ajv/dist/2020.js');
  const addFormats = require('ajv-formats') as { default: (ajv: Ajv2020) => unknown };
  const ajv = new Ajv2020({
    ...(options.source ? { code: { source: true } } : {}),
    allErrors: options.allErrors ?? true,
    strict: true,
    // The generated structure comes from TypeScript types, which do not always repeat `type`
    // next to `properties`/`items`, nor list every required property; those are not contract bugs.
    strictTypes: false,
    strictTuples: false,
    strictRequired: false,
    allowUnionTypes: true,
    validateFormats: true,
    // OpenAPI documents carry `discriminator`; accept it as ajv understands it.
    discriminator: true,
  });
  addFormats.default(ajv);
  // `format: binary` marks raw bytes in the catalogue (OpenAPI's convention); any string passes.
  ajv.addFormat('binary', true);
  ajv.addFormat('byte', /^[A-Za-z0-9+/]*={0,2}$/);
  for (const keyword of [...ANNOTATION_KEYWORDS, ...CONTAINER_KEYWORDS]) ajv.addKeyword({ keyword, schemaType: ['string', 'object', 'array', 'number', 'boolean'] });
  return ajv;
}
