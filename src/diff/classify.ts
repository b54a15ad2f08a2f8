/**
 * @module How much each change matters to a client of the API and to a mock of it.
 *
 * Schema changes follow one rule, from the change's effect on the accepted set (schema-diff.ts):
 * - a client (built on OLD, served by NEW) breaks when an INPUT schema narrows (a request it sends
 *   may now be refused) or an OUTPUT schema widens (an answer may now be one it cannot handle);
 * - a mock (built on OLD, judged by NEW) breaks the other way round: when an INPUT schema widens
 *   (it refuses requests NEW accepts) or an OUTPUT schema narrows (it answers what NEW forbids).
 * A change that does both is breaking for both; a change the rule does not catch is `info`, except
 * the exceptions below. Model facts and openapi.yaml changes have a fixed table.
 */
import { parsePointer } from '../contract/json-pointer.js';
import type { Effect, SchemaChange, SchemaChangeKind } from './schema-diff.js';
import type { Audience, Direction, Level, Levels, ModelChangeKind, OpenapiChangeKind } from './types.js';
import { LEVELS } from './types.js';

/** True when `effect` on a `direction` schema can break `audience`. */
export function risky(effect: Effect, direction: Direction, audience: Audience): boolean {
  if (effect === 'both') return true;
  if (effect === 'none') return false;
  const bad: Effect = (direction === 'input') === (audience === 'client') ? 'narrows' : 'widens';
  return effect === bad;
}

/** Levels of annotation-only changes (effect none), by kind. */
const ANNOTATION_LEVELS: Partial<Record<SchemaChangeKind, Levels>> = {
  'default-added': { client: 'info', mock: 'info' },
  'default-removed': { client: 'warning', mock: 'warning' },
  'default-changed': { client: 'warning', mock: 'warning' },
  'description-changed': { client: 'info', mock: 'info' },
  'keyword-changed': { client: 'warning', mock: 'warning' },
};

/** The level of a schema change for one audience. */
export function schemaChangeLevel(change: Pick<SchemaChange, 'kind' | 'effect' | 'after'>, direction: Direction, audience: Audience): Level {
  const { kind, effect } = change;
  const isRisky = risky(effect, direction, audience);
  if (kind === 'property-added') {
    // A new answer property only trips clients that refuse unknown properties: warn them.
    if (isRisky) return direction === 'output' && audience === 'client' ? 'warning' : 'breaking';
    // A mock built on OLD ignores a new request property: it answers as if it were not sent.
    return effect === 'none' && direction === 'input' && audience === 'mock' ? 'warning' : 'info';
  }
  if (kind === 'property-removed') {
    // Whatever validation says, a client reading a property the answer no longer has breaks.
    if (direction === 'output' && audience === 'client') return 'breaking';
    if (isRisky) return 'breaking';
    // An open request schema no longer lists it: the API (and so a client or a mock) now ignores it.
    return effect === 'none' && direction === 'input' ? 'warning' : 'info';
  }
  if (isRisky) return 'breaking';
  if (effect !== 'none') return 'info';
  if (kind === 'deprecated-changed') return change.after === true && audience === 'client' ? 'warning' : 'info';
  return ANNOTATION_LEVELS[kind]?.[audience] ?? 'info';
}

/** Both audiences' levels of a schema change in a `direction` schema. */
export function classifySchemaChange(change: Pick<SchemaChange, 'kind' | 'effect' | 'after'>, direction: Direction): Levels {
  return { client: schemaChangeLevel(change, direction, 'client'), mock: schemaChangeLevel(change, direction, 'mock') };
}

const L = (client: Level, mock: Level): Levels => ({ client, mock });

/** Model-level changes (catalogue membership, task, facts). */
export const MODEL_CHANGE_LEVELS: Record<ModelChangeKind, Levels> = {
  'model-removed': L('breaking', 'warning'), // a mock still serving it is harmless but stale
  'model-added': L('info', 'breaking'), // a mock built on OLD answers 404 for it
  'task-changed': L('breaking', 'breaking'),
  'source-changed': L('info', 'info'),
  'types-class-changed': L('info', 'info'),
  'response-content-type-changed': L('breaking', 'breaking'),
  'response-envelope-changed': L('breaking', 'breaking'),
  'streaming-dropped': L('breaking', 'warning'),
  'streaming-added': L('info', 'breaking'),
  'output-style-changed': L('breaking', 'breaking'),
  'embedding-dimension-changed': L('breaking', 'breaking'),
  'labels-added': L('breaking', 'info'), // answers may carry a label the client does not know
  'labels-removed': L('warning', 'breaking'), // a mock may answer a label NEW forbids
  'openai-endpoint-removed': L('breaking', 'warning'),
  'openai-endpoint-added': L('info', 'breaking'),
  'raw-input-removed': L('breaking', 'info'),
  'raw-input-added': L('info', 'breaking'),
  'transport-changed': L('breaking', 'breaking'),
  'max-tokens-changed': L('warning', 'warning'),
  'context-window-decreased': L('warning', 'info'),
  'context-window-increased': L('info', 'warning'),
  'default-image-size-changed': L('warning', 'warning'),
  'fact-added': L('info', 'warning'),
  'fact-removed': L('warning', 'info'),
  'fact-changed': L('warning', 'warning'),
  'task-renamed': L('info', 'info'),
  'types-package-changed': L('info', 'info'),
  // A model retiring (spec/models/lifecycle.yaml): clients must move off it; a mock may still serve it.
  'model-deprecated': L('warning', 'info'),
  // Active ↔ beta, or a deprecation undone or re-dated: nothing a client or mock must change.
  'status-changed': L('info', 'info'),
};

/** openapi.yaml changes outside schemas (which follow the schema rule, requests as input, answers as output). */
export const OPENAPI_CHANGE_LEVELS: Record<OpenapiChangeKind, Levels> = {
  'path-removed': L('breaking', 'info'),
  'path-added': L('info', 'breaking'),
  'operation-removed': L('breaking', 'info'),
  'operation-added': L('info', 'breaking'),
  'operation-id-changed': L('warning', 'info'),
  'operation-deprecated': L('warning', 'info'),
  'parameter-removed': L('warning', 'info'),
  'required-parameter-added': L('breaking', 'info'),
  'optional-parameter-added': L('info', 'warning'),
  'parameter-became-required': L('breaking', 'info'),
  'parameter-became-optional': L('info', 'breaking'),
  'request-body-became-required': L('breaking', 'info'),
  'request-body-became-optional': L('info', 'breaking'),
  'request-media-type-removed': L('breaking', 'info'),
  'request-media-type-added': L('info', 'breaking'),
  'success-status-removed': L('breaking', 'breaking'),
  'error-status-removed': L('info', 'warning'),
  'success-status-added': L('warning', 'info'),
  'error-status-added': L('warning', 'info'),
  // A code an error status's `x-wai-error-codes` / `x-wai-observed-error-codes` lists, like a status: added, a client
  // may get a code it does not handle; removed, a mock still answering it (or a pact expecting it) is judged wrong.
  'error-code-removed': L('info', 'warning'),
  'error-code-added': L('warning', 'info'),
  'response-media-type-removed': L('breaking', 'breaking'),
  'response-media-type-added': L('warning', 'info'),
  'response-header-removed': L('warning', 'info'),
  'response-header-added': L('info', 'info'),
  'required-response-header-added': L('info', 'breaking'),
  'security-changed': L('warning', 'warning'),
  'servers-changed': L('warning', 'warning'),
  'sse-terminator-changed': L('breaking', 'breaking'),
  // A component schema no path reaches but the checks read by name (openapi.yaml `x-wai.direct-components`): its
  // changes follow the schema rule. A whole one added or removed is graded as a request or response media type
  // added or removed (COMPONENT_LEVELS); these are the levels when its direction is not stated, the more severe.
  'component-removed': L('breaking', 'breaking'),
  'component-added': L('warning', 'breaking'),
};

/**
 * A component read by name, added or removed, by direction: like a media type of a request (added: a mock built on
 * OLD refuses it; removed: a client sending it is refused) or of an answer (added: a client may receive a form it
 * does not know; removed: a mock still answering it is now judged wrong).
 */
export const COMPONENT_LEVELS: Record<'component-added' | 'component-removed', Record<Direction, Levels>> = {
  'component-added': { input: L('info', 'breaking'), output: L('warning', 'info') },
  'component-removed': { input: L('breaking', 'info'), output: L('info', 'breaking') },
};

/** True when `level` is at least `threshold`. */
export function atLeast(level: Level, threshold: Level): boolean {
  return LEVELS.indexOf(level) >= LEVELS.indexOf(threshold);
}

/** The more severe of two levels. */
export function maxLevel(a: Level, b: Level): Level {
  return LEVELS.indexOf(a) >= LEVELS.indexOf(b) ? a : b;
}

const show = (value: unknown, limit = 80): string => {
  const text = value === undefined ? 'none' : JSON.stringify(value);
  return text.length > limit ? `${text.slice(0, limit - 1)}…` : text;
};
const list = (values: unknown[] | undefined) => (values ?? []).map((v) => show(v, 40)).join(', ');
const lastToken = (pointer: string) => parsePointer(pointer).at(-1) ?? '';

/** One line describing a schema change, without its location. */
export function describeSchemaChange(change: SchemaChange): string {
  const { kind, keyword, before, after } = change;
  const name = lastToken(change.pointer);
  switch (kind) {
    case 'schema-closed':
      return `schema now accepts nothing (was ${show(before)})`;
    case 'schema-opened':
      return `schema now accepts ${show(after)} (accepted nothing)`;
    case 'type-narrowed':
    case 'type-widened':
    case 'type-changed':
      return `type ${kind.slice(5)}: ${show(before)} → ${show(after)}`;
    case 'property-added':
      return `property "${name}" added (${String(after)})${change.closed ? ' to an object that refused unknown properties' : ''}`;
    case 'property-removed':
      return `property "${name}" removed (was ${String(before)})${change.closed ? '; the object refuses unknown properties' : ''}`;
    case 'required-added':
      return `property "${name}" is now required`;
    case 'required-removed':
      return `property "${name}" is no longer required`;
    case 'enum-added':
      return `${keyword} added: only ${list(after as unknown[])}`;
    case 'enum-removed':
      return `${keyword} removed: any value (was ${list(before as unknown[])})`;
    case 'enum-value-added':
      return `${keyword} value${change.values?.length === 1 ? '' : 's'} added: ${list(change.values)}`;
    case 'enum-value-removed':
      return `${keyword} value${change.values?.length === 1 ? '' : 's'} removed: ${list(change.values)}`;
    case 'constraint-tightened':
    case 'constraint-loosened':
    case 'constraint-changed': {
      const verb = kind.slice('constraint-'.length);
      if (before === undefined) return `${keyword} added: ${show(after)}`;
      if (after === undefined) return `${keyword} removed (was ${show(before)})`;
      return `${keyword} ${verb}: ${show(before)} → ${show(after)}`;
    }
    case 'additional-properties-closed':
      return `${keyword} closed: unknown properties are now refused`;
    case 'additional-properties-opened':
      return `${keyword} opened: unknown properties are now accepted`;
    case 'branch-added':
      return `${keyword} branch added: ${String(after)}`;
    case 'branch-removed':
      return `${keyword} branch removed: ${String(before)}`;
    case 'composition-added':
      return `now ${String(after)}`;
    case 'composition-removed':
      return `no longer ${String(before)}`;
    case 'composition-changed':
      return `${String(before)} became ${String(after)}`;
    case 'subschema-added':
      return `${keyword} added: ${String(after)}`;
    case 'subschema-removed':
      return `${keyword} removed (was ${String(before)})`;
    case 'ref-changed':
      return `$ref changed: ${show(before)} → ${show(after)}`;
    case 'default-added':
      return `default added: ${show(after)}`;
    case 'default-removed':
      return `default removed (was ${show(before)})`;
    case 'default-changed':
      return `default changed: ${show(before)} → ${show(after)}`;
    case 'description-changed':
      return `${keyword} changed`;
    case 'deprecated-changed':
      return after === true ? 'deprecated' : 'no longer deprecated';
    case 'keyword-changed':
      return `${keyword} changed: ${show(before)} → ${show(after)}`;
  }
}
