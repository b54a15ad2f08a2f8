/** @module The contract's data model: tasks, models, and the facts checks and the emulator need. */

/** A JSON Schema (2020-12) document or subschema, kept as plain data. */
export type JsonSchema = { [keyword: string]: unknown } | boolean;

/** Lower-case, hyphenated catalogue task ids (see DESIGN.md). */
export const TASK_IDS = [
  'text-generation',
  'text-embeddings',
  'text-classification',
  'text-to-image',
  'text-to-speech',
  'automatic-speech-recognition',
  'image-classification',
  'object-detection',
  'translation',
  'summarization',
  'image-to-text',
  'voice-activity-detection',
] as const;
export type TaskId = (typeof TASK_IDS)[number];

/** How a model answers /ai/run: JSON inside the v4 envelope, or raw bytes of a media type. */
export interface ResponseFacts {
  /** Media type of a successful non-streamed answer (`application/json`, `image/png`, `audio/mpeg`, ...). */
  contentType: string;
  /** True when the answer is the v4 envelope; false for raw binary answers. */
  envelope: boolean;
}

/**
 * Shapes a text-generation answer can take on /ai/run. `decisions`: a decision model's `{model, answers, usage}`
 * (Cloudflare's Clef), one answer per question of the request, no text.
 */
export type OutputStyle = 'classic' | 'chat-completions' | 'responses' | 'decisions';

/** Which OpenAI-compatible endpoints serve a model. */
export interface OpenAiFacts {
  chat?: boolean;
  completions?: boolean;
  embeddings?: boolean;
  responses?: boolean;
}

/**
 * Bounds on the work one request may ask of a model. Each comes from the documentation where it states
 * one, and is the emulator's documented choice where it is silent (spec/models/overlay.yaml says which).
 */
export interface ModelLimits {
  /** Text to speech: the longest `text` (or `prompt`), in characters. */
  inputCharacters?: number;
  /** Text generation: the most completion tokens one answer has, whatever `max_tokens` asks. */
  answerTokens?: number;
  /** The most items in one batch: texts, contexts, queries or documents on /ai/run, inputs or prompts on /ai/v1. */
  batchItems?: number;
  /** Text to image: the longest side of an image, in pixels. */
  imageSide?: number;
}

/** Facts about a model that no JSON Schema expresses, used by checks, generators and the emulator. */
export interface ModelFacts {
  response: ResponseFacts;
  /** Accepts `stream: true` and answers `text/event-stream`. */
  streams: boolean;
  /** Text generation only: the shape of the answer. */
  outputStyle?: OutputStyle;
  /** Text embeddings: length of every vector. */
  embeddingDimension?: number;
  /** Classification: the label set the model answers with. */
  labels?: string[];
  /** Text generation: the documented default `max_tokens`. */
  maxTokens?: number;
  /** Text generation: context window in tokens, where documented. */
  contextWindow?: number;
  /** Media types the model accepts as a raw request body (e.g. `audio/wav`, `image/png`). */
  rawInput?: string[];
  /** OpenAI-compatible endpoints that serve this model. */
  openai?: OpenAiFacts;
  /** `websocket` models cannot be run over plain HTTP /ai/run. */
  transport: 'http' | 'websocket';
  /** Text-to-image: width and height of the answer when the request does not set them. */
  defaultImageSize?: { width: number; height: number };
  /** Bounds on the work of one request (see {@link ModelLimits}). */
  limits?: ModelLimits;
  /** Serves the asynchronous Batch API (`?queueRequest=true`, `options.queueRequest`): the docs' supported models. */
  batch?: boolean;
}

/** Where a model stands in Cloudflare's catalogue (spec/models/lifecycle.yaml). */
export type ModelStatus = 'active' | 'beta' | 'deprecated';

/** A model's status, the date it was retired (deprecated models, where documented) and who says so. */
export interface ModelLifecycle {
  status: ModelStatus;
  /** `YYYY-MM-DD`. */
  deprecationDate?: string;
  /** The document that states it (absent for `active`, the default). */
  source?: string;
}

/** Where a model entry came from. */
export type ModelSource = 'workers-types' | 'overlay';

/** One catalogue model, resolved: effective schemas plus facts. */
export interface ModelEntry {
  id: string;
  task: TaskId;
  source: ModelSource;
  /** The workers-types class the structure was generated from, when there is one. */
  typesClass?: string;
  /** beta or deprecated, from spec/models/lifecycle.yaml; absent for an active model (see {@link modelStatus}). */
  lifecycle?: ModelLifecycle;
  facts: ModelFacts;
  /** Effective input schema (generated structure + task constraints + overlay). */
  input: JsonSchema;
  /** Effective output schema (the `result` of the envelope, or the binary body). */
  output: JsonSchema;
  /** URI under which `input` and `output` are registered with ajv (`<uri>#/$defs/input`). */
  schemaUri: string;
}

/** One catalogue task. */
export interface TaskEntry {
  id: TaskId;
  /** The catalogue's task name, e.g. "Automatic Speech Recognition". */
  name: string;
  description: string;
  input: JsonSchema;
  output: JsonSchema;
  schemaUri: string;
}

/** A validation error as data (ajv's, normalised). */
export interface SchemaError {
  /** JSON pointer into the validated document ("" for the root). */
  instancePath: string;
  /** JSON pointer into the schema. */
  schemaPath: string;
  keyword: string;
  /** What the schema expected, in words. */
  expected: string;
  /** What was found, as short JSON. */
  actual: string;
}

/** A model's status: its lifecycle's, else `active`. */
export function modelStatus(model: Pick<ModelEntry, 'lifecycle'>): ModelStatus {
  return model.lifecycle?.status ?? 'active';
}
