/** @module The data of a contract diff: changes, their levels per audience, and the report. */
import type { SchemaChangeKind } from './schema-diff.js';

/** How much a change matters, as oasdiff grades them (ERR / WARN / INFO). */
export type Level = 'breaking' | 'warning' | 'info';
/** Levels from least to most severe. */
export const LEVELS: readonly Level[] = ['info', 'warning', 'breaking'];

/**
 * Whose point of view a level takes: `client` calls the real API (built against the old contract,
 * served by the new one); `mock` imitates the API (built on the old contract, judged by the new one).
 */
export type Audience = 'client' | 'mock';
export const AUDIENCES: readonly Audience[] = ['client', 'mock'];

/** Which way the data a schema describes flows: requests in, answers out. */
export type Direction = 'input' | 'output';

export type Levels = Record<Audience, Level>;

export const MODEL_CHANGE_KINDS = [
  'model-removed',
  'model-added',
  'task-changed',
  'source-changed',
  'types-class-changed',
  'response-content-type-changed',
  'response-envelope-changed',
  'streaming-dropped',
  'streaming-added',
  'output-style-changed',
  'embedding-dimension-changed',
  'labels-added',
  'labels-removed',
  'openai-endpoint-removed',
  'openai-endpoint-added',
  'raw-input-removed',
  'raw-input-added',
  'transport-changed',
  'max-tokens-changed',
  'context-window-decreased',
  'context-window-increased',
  'default-image-size-changed',
  'fact-added',
  'fact-removed',
  'fact-changed',
  'task-renamed',
  'types-package-changed',
  'model-deprecated',
  'status-changed',
] as const;
export type ModelChangeKind = (typeof MODEL_CHANGE_KINDS)[number];

export const OPENAPI_CHANGE_KINDS = [
  'path-removed',
  'path-added',
  'operation-removed',
  'operation-added',
  'operation-id-changed',
  'operation-deprecated',
  'parameter-removed',
  'required-parameter-added',
  'optional-parameter-added',
  'parameter-became-required',
  'parameter-became-optional',
  'request-body-became-required',
  'request-body-became-optional',
  'request-media-type-removed',
  'request-media-type-added',
  'success-status-removed',
  'error-status-removed',
  'success-status-added',
  'error-status-added',
  'error-code-removed',
  'error-code-added',
  'response-media-type-removed',
  'response-media-type-added',
  'response-header-removed',
  'response-header-added',
  'required-response-header-added',
  'security-changed',
  'servers-changed',
  'sse-terminator-changed',
  'component-removed',
  'component-added',
] as const;
export type OpenapiChangeKind = (typeof OPENAPI_CHANGE_KINDS)[number];

export type ChangeKind = SchemaChangeKind | ModelChangeKind | OpenapiChangeKind;

/** Where a change is: a model (its schemas or facts), a task's canonical schemas, openapi.yaml, or the contract as a whole. */
export type Scope = 'model' | 'task' | 'openapi' | 'contract';

/** One classified change. */
export interface DiffEntry {
  kind: ChangeKind;
  scope: Scope;
  /** scope model: the model id. */
  model?: string;
  /** scope task (and the task of a model). */
  task?: string;
  /** Which schema the pointer goes into: a model's or task's input or output; absent for facts and openapi.yaml. */
  part?: Direction;
  /**
   * JSON pointer: into the `part` schema (model and task changes), into the model's facts
   * (`/facts/streams`), or into openapi.yaml (`/paths/...`). The new contract's location, or the
   * old one's for something removed.
   */
  pointer: string;
  keyword?: string;
  before?: unknown;
  after?: unknown;
  /** Values added or removed (enum values, labels, media types). */
  values?: unknown[];
  levels: Levels;
  /** One line for people. */
  message: string;
}

export interface ContractSide {
  /** What the user named (a directory or a git revision). */
  label: string;
  typesPackage?: { name: string; version: string };
  models: number;
}

export interface DiffReport {
  old: ContractSide;
  new: ContractSide;
  changes: DiffEntry[];
  summary: Record<Audience, Record<Level, number>>;
  durationMs: number;
}
