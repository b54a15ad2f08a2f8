/** @module POST /ai/run requests drawn from a model's contract (valid and invalid), reproducible from (seed, path). */
import fc from 'fast-check';
import type { Contract } from '../contract/contract.js';
import { enforcementOf, type EnforcementVerdict } from '../contract/enforcement.js';
import type { ModelEntry } from '../contract/types.js';
import type { RequestSpec } from '../targets/types.js';
import { arbitraryFromSchema, boundedFilter, contractSource, declaredTypes, type ArbitraryOptions, type Hint } from './arbitrary-from-schema.js';
import { invalidArbitraries, isReallyInvalid, probeCase, serialise, type InvalidCase } from './invalid-from-schema.js';
import { draw, fastDrawing } from './fast-draw.js';
import { mediaForms, type MediaForm } from './media.js';
import { probeVerdicts } from './probe-cache.js';

/** How a request carries its input. */
export type RequestForm = 'json' | 'raw';

/** A generated request and the input it carries (JSON data, or the raw body's bytes). */
export interface GeneratedRequest {
  spec: RequestSpec;
  input: unknown;
  form: RequestForm;
}

/** A request the contract rejects, and the one rule it breaks. */
export interface InvalidRequest extends GeneratedRequest {
  /** The JSON Schema keyword broken (`required`, `type`, `minimum`, ...). */
  rule: string;
  /** JSON pointer into the input where the rule is broken. */
  pointer: string;
  /** `<document>#<pointer>` of the schema that states the rule. */
  schemaLocation: string;
  /** How strongly the real API is known to enforce the rule (spec/enforcement.yaml), and the severity of accepting it. */
  enforcement: EnforcementVerdict;
}

/** Options for generating requests. Generation options (sizes, hints) pass through to the schema generator. */
export interface RequestOptions extends Omit<ArbitraryOptions, 'source' | 'base' | 'pointer'> {
  /** Value of a top-level boolean `stream` property (default false: streaming is its own case). */
  stream?: boolean;
  /** Upper bound on `max_tokens` and its kin, sent always so runs stay cheap (default 64; null: the schema's own range). */
  maxTokens?: number | null;
  /** Include the raw-body forms of `facts.rawInput` (default true). */
  raw?: boolean;
}

/** Default cap on generated tokens: enough to see an answer, cheap on a live account. */
export const DEFAULT_MAX_TOKENS = 64;
/** Properties that bound how much a model generates (classic, chat-completions and Responses inputs). */
const TOKEN_LIMITS = new Set(['max_tokens', 'max_completion_tokens', 'max_output_tokens']);

/** A top-level field of the input, or of one request of an async batch (`{requests: [...]}`), which runs each. */
function isRequestField(path: readonly string[]): boolean {
  return path.length === 1 || (path.length === 3 && path[0] === 'requests' && path[1] === '[]');
}

/** `POST /ai/run/{model}` with a body. */
export function runSpec(model: ModelEntry, body: RequestSpec['body']): RequestSpec {
  return { operation: { kind: 'run', model: model.id }, method: 'POST', body };
}

/** Hints that keep requests cheap and on the JSON path; raw bodies are generated from `facts.rawInput` instead. */
function requestHints(options: RequestOptions): Hint[] {
  const stream = options.stream ?? false;
  const maxTokens = options.maxTokens === undefined ? DEFAULT_MAX_TOKENS : options.maxTokens;
  return [
    ({ name, path, schema }) => {
      if (!isRequestField(path) || name !== 'stream' || !declaredTypes(schema)?.includes('boolean')) return undefined;
      if (Array.isArray(schema.enum) && !schema.enum.includes(stream)) return undefined;
      return { arbitrary: fc.constant(stream), include: true };
    },
    ({ name, path, schema }) => {
      if (maxTokens === null || !isRequestField(path) || name === undefined || !TOKEN_LIMITS.has(name)) return undefined;
      const types = declaredTypes(schema);
      if (!types?.includes('integer') && !types?.includes('number')) return undefined;
      // Narrow only where the schema's range reaches below the cap; otherwise its minimum wins.
      if (typeof schema.minimum === 'number' && schema.minimum > maxTokens) return undefined;
      // An integer (never null, never absent): "no limit" is exactly what a cheap run must avoid.
      return { narrow: { type: 'integer', maximum: maxTokens, minimum: typeof schema.minimum === 'number' ? schema.minimum : 1 }, include: true };
    },
    // A top-level `format: binary` string is the raw file as the body: JSON cannot carry it.
    ({ path, schema }) => (path.length === 0 && schema.type === 'string' && schema.format === 'binary' ? { exclude: true } : undefined),
  ];
}

function optionsKey(options: RequestOptions): string {
  const { hints, ...rest } = options;
  return JSON.stringify(rest) + (hints?.length ? `+${hints.length} hints` : '');
}

const validCache = new WeakMap<Contract, Map<string, fc.Arbitrary<GeneratedRequest>>>();

/**
 * Valid-request arbitraries kept at once (by model and options, most recently used). A default run asks for a model's
 * in a few executions close together: 16 make it build 10 of ~140 again, where keeping all held ~11 MB to its end.
 */
const VALID_REQUESTS_KEPT = 16;

/** A value per contract and key, made once; with `bound`, only the `bound` most recently used are kept. */
function cached<T>(store: WeakMap<Contract, Map<string, T>>, contract: Contract, key: string, make: () => T, bound = Infinity): T {
  let perContract = store.get(contract);
  if (!perContract) store.set(contract, (perContract = new Map()));
  let value = perContract.get(key);
  if (value === undefined) value = make();
  else if (bound === Infinity) return value;
  perContract.delete(key); // re-inserted last: most recently used
  perContract.set(key, value);
  if (perContract.size > bound) perContract.delete(perContract.keys().next().value!);
  return value;
}

/** The JSON inputs of a model: its input schema, with the request hints. Cached per model and options. */
export function validInputs(contract: Contract, model: ModelEntry, options: RequestOptions = {}): fc.Arbitrary<unknown> {
  return arbitraryFromSchema(model.input, {
    ...options,
    hints: [...(options.hints ?? []), ...requestHints(options)],
    source: contractSource(contract),
    base: model.schemaUri,
    pointer: '/$defs/input',
  });
}

/** The raw-body forms of a model (`facts.rawInput`), as requests. */
export function rawRequests(contract: Contract, model: ModelEntry): GeneratedRequest[] {
  return mediaForms(model, contract)
    .filter((f): f is Extract<MediaForm, { kind: 'raw' }> => f.kind === 'raw')
    .map((f) => ({ spec: runSpec(model, { raw: f.bytes, contentType: f.contentType }), input: f.bytes, form: 'raw' as const }));
}

/**
 * Valid requests for `POST /ai/run/{model}`: JSON inputs drawn from the model's input schema (every
 * branch reachable, real media where the input takes media, `stream: false` and `max_tokens` ≤ 64
 * unless asked otherwise), plus the raw-body forms of `facts.rawInput`. The JSON body is the
 * serialised input, so what is validated is what is sent. Cached per contract, model and options (the most recent).
 */
export function validRequests(contract: Contract, model: ModelEntry, options: RequestOptions = {}): fc.Arbitrary<GeneratedRequest> {
  return cached(validCache, contract, `${model.id}\u0000${optionsKey(options)}`, () => {
    const json = validInputs(contract, model, options).map((value): GeneratedRequest => {
      const input = serialise(value);
      return { spec: runSpec(model, { json: input }), input, form: 'json' };
    });
    const raw = options.raw === false ? [] : rawRequests(contract, model);
    return raw.length ? fc.oneof(json, fc.constantFrom(...raw)) : json;
  }, VALID_REQUESTS_KEPT);
}

/**
 * An arbitrary made on first use. Probing invalid cases costs ajv runs; deferring it keeps building every
 * model's arbitraries cheap, and a model never drawn from never pays. Deterministic: the probe has its own seed.
 */
class LazyArbitrary<T> extends fc.Arbitrary<T> {
  private inner: fc.Arbitrary<T> | undefined;
  constructor(private readonly make: () => fc.Arbitrary<T>) {
    super();
  }
  private get arbitrary(): fc.Arbitrary<T> {
    return (this.inner ??= this.make());
  }
  generate(random: fc.Random, biasFactor: number | undefined): fc.Value<T> {
    return this.arbitrary.generate(random, biasFactor);
  }
  drawRaw(random: fc.Random, biasFactor: number | undefined): unknown {
    return draw(this.arbitrary, random, biasFactor);
  }
  canShrinkWithoutContext(value: unknown): value is T {
    return this.arbitrary.canShrinkWithoutContext(value);
  }
  shrink(value: T, context: unknown): fc.Stream<fc.Value<T>> {
    return this.arbitrary.shrink(value, context);
  }
}

/** An invalid case the contract's oracle confirms, with how strongly the real API enforces its rule. */
type KeptCase = InvalidCase & { enforcement: EnforcementVerdict };

/** A model's invalid cases and the requests of each: what `invalidRequests` and `invalidCoveringRequests` draw from. */
interface InvalidCases {
  /** The cases kept (probed on first call where no case is certain; then cached). */
  kept: () => KeptCase[];
  /** The requests of one case: its values, each confirmed invalid by the oracle on its serialised form. */
  requestsOf: (c: KeptCase) => fc.Arbitrary<InvalidRequest>;
  /** The requests of every kept case (undefined when none is kept). */
  arbitrary: fc.Arbitrary<InvalidRequest> | undefined;
}

const invalidCasesCache = new WeakMap<Contract, Map<string, InvalidCases>>();

/**
 * Invalid cases kept at once. A run draws a model's invalid requests in one execution (its property run and its
 * covering requests, one after the other), so the cases of models done with are only memory: ~0.1 MB each, 7.5 MB
 * for a default run's 135 if all were kept to the end. Bounded well above the executions running at once.
 */
const INVALID_CASES_KEPT = 32;

function invalidCases(contract: Contract, model: ModelEntry, options: RequestOptions): InvalidCases {
  return cached(invalidCasesCache, contract, `${model.id}\u0000${optionsKey(options)}`, makeInvalidCases(contract, model, options), INVALID_CASES_KEPT);
}

function makeInvalidCases(contract: Contract, model: ModelEntry, options: RequestOptions): () => InvalidCases {
  return () => {
    const oracle = (value: unknown): boolean => isReallyInvalid(contract, model, value);
    const enforcement = enforcementOf(contract);
    // A rule the real API is known to accept breaking is no failure at all: such cases are not generated.
    const cases = invalidArbitraries(model.input, {
      ...options,
      hints: [...(options.hints ?? []), ...requestHints(options)],
      source: contractSource(contract),
      base: model.schemaUri,
      pointer: '/$defs/input',
    })
      .map((c) => ({ ...c, enforcement: enforcement.classify(c, model) }))
      .filter((c) => c.enforcement.class !== 'contradicted');
    const requestsOf = (c: KeptCase): fc.Arbitrary<InvalidRequest> =>
      boundedFilter(c.arbitrary.map(serialise), oracle, c.schemaLocation, `the oracle (${c.rule} at ${c.pointer || '/'})`).map((input): InvalidRequest => ({ spec: runSpec(model, { json: input }), input, form: 'json', rule: c.rule, pointer: c.pointer, schemaLocation: c.schemaLocation, enforcement: c.enforcement }));
    let kept: KeptCase[] | undefined;
    const keep = (): KeptCase[] => (kept ??= keptCases(contract, `${model.id}\u0000${optionsKey(options)}`, cases, options, oracle));
    const toRequests = (list: KeptCase[]): fc.Arbitrary<InvalidRequest> => fc.oneof(...list.map(requestsOf));
    // With one certain case the result is known to be non-empty, so probing can wait for first use.
    let arbitrary: fc.Arbitrary<InvalidRequest> | undefined;
    if (cases.some((c) => c.certain)) arbitrary = new LazyArbitrary(() => toRequests(keep()));
    else if (keep().length) arbitrary = toRequests(keep());
    return { kept: keep, requestsOf, arbitrary };
  };
}

/**
 * The cases kept: the certain ones, and those whose probe finds a value the oracle confirms. The probes' verdicts come
 * from the disk cache when the contract, the case list and the code are those of a run that probed them before
 * (src/generate/probe-cache.ts); hints are functions the key cannot tell apart, so requests given some probe afresh.
 */
function keptCases(contract: Contract, scope: string, cases: KeptCase[], options: RequestOptions, oracle: (value: unknown) => boolean): KeptCase[] {
  const uncertain = cases.filter((c) => !c.certain);
  if (uncertain.length === 0) return cases;
  const digest = options.hints?.length ? undefined : contract.digest();
  const verdicts = probeVerdicts(digest, scope, uncertain, (i) => probeCase(uncertain[i]!.arbitrary, oracle));
  const keptUncertain = new Set(uncertain.filter((_, i) => verdicts[i]));
  return cases.filter((c) => c.certain || keptUncertain.has(c));
}

/**
 * Requests the contract rejects, each breaking one documented rule of the model's input (see
 * `invalidArbitraries`). Every value, shrunk ones included, has passed the ajv oracle
 * (`isReallyInvalid`) on its serialised form, so a target that accepts one is really at fault.
 * Cases under an anyOf/oneOf are probed first (on first use) and dropped when a sibling branch accepts
 * every mutation; cases whose rule the real API is known to accept breaking (`contradicted` in
 * spec/enforcement.yaml) are not generated. Returns undefined when the input has no rule that can be broken.
 */
export function invalidRequests(contract: Contract, model: ModelEntry, options: RequestOptions = {}): fc.Arbitrary<InvalidRequest> | undefined {
  return invalidCases(contract, model, options).arbitrary;
}

/**
 * The covering invalid requests of a model, deterministic for a seed: up to `count` requests, each
 * breaking a different rule (JSON Schema keyword) of its input, the rules taken in schema order, so a
 * model's few invalid cases break as many of its rules as they can before random ones repeat a rule.
 * Where several cases break one rule, the seed picks which (another seed, another location). A rule
 * none of whose values can be drawn is passed over for the next.
 */
export function invalidCoveringRequests(contract: Contract, model: ModelEntry, seed: number, count: number, options: RequestOptions = {}): InvalidRequest[] {
  const { kept, requestsOf, arbitrary } = invalidCases(contract, model, options);
  if (!arbitrary || count <= 0) return [];
  const byRule = new Map<string, KeptCase[]>();
  for (const c of kept()) {
    const list = byRule.get(c.rule);
    if (list) list.push(c);
    else byRule.set(c.rule, [c]);
  }
  const requests: InvalidRequest[] = [];
  let i = 0;
  for (const cases of byRule.values()) {
    if (requests.length >= count) break;
    const c = cases[((seed >>> 0) + i) % cases.length]!;
    try {
      const [request] = fc.sample(fastDrawing(requestsOf(c)), { seed: seed + i, numRuns: 1 });
      if (request) requests.push(request);
    } catch {
      // the oracle confirmed no value of this case within its bound: the next rule may still be broken
    }
    i++;
  }
  return requests;
}

/** What identifies one generated case: fast-check's seed and path (`"<run>:<shrink>:..."`). */
export interface Replay {
  seed: number;
  /** fast-check path; omitted or "" for the first case of the run. */
  path?: string;
  numRuns?: number;
}

/**
 * Draws `numRuns` values exactly as `fc.assert({seed, path, numRuns})` would see them: the same seed gives
 * the same values, and a failure's `(seed, path)` gives back the failing (shrunk) value first.
 */
export function runSample<T>(arbitrary: fc.Arbitrary<T>, replay: Replay): T[] {
  const path = replay.path ? replay.path : undefined;
  // A path replays a shrink: fast-check's own tree from the start (drawing fast would rebuild it anyway).
  return path ? fc.sample(arbitrary, { seed: replay.seed, numRuns: replay.numRuns ?? 1, path }) : fc.sample(fastDrawing(arbitrary), { seed: replay.seed, numRuns: replay.numRuns ?? 1 });
}

/** The single value a `(seed, path)` pair names (the counterexample of a failure). */
export function replayCase<T>(arbitrary: fc.Arbitrary<T>, replay: Omit<Replay, 'numRuns'>): T {
  const [value] = runSample(arbitrary, { ...replay, numRuns: 1 });
  if (value === undefined && replay.path) throw new Error(`no case at seed ${replay.seed} path ${replay.path}`);
  return value as T;
}

/** The outcome of a property run: data, not an exception (as fast-check's RunDetails). */
export interface PropertyOutcome<T> {
  failed: boolean;
  seed: number;
  /** fast-check path of the (shrunk) counterexample, for `replayCase`. */
  path?: string;
  counterexample?: T;
  error?: unknown;
  numRuns: number;
  numShrinks: number;
}

/**
 * Runs an (async) predicate over `arbitrary` with fast-check: shrinks a failure to a minimal value and
 * reports it with the seed and path that replay it. Throwing or returning false fails the property.
 */
export async function runProperty<T>(arbitrary: fc.Arbitrary<T>, predicate: (value: T) => boolean | void | Promise<boolean | void>, replay: Replay): Promise<PropertyOutcome<T>> {
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (value) => predicate(value)),
    { seed: replay.seed, numRuns: replay.numRuns ?? 100, ...(replay.path ? { path: replay.path } : {}) },
  );
  const outcome: PropertyOutcome<T> = { failed: details.failed, seed: details.seed, numRuns: details.numRuns, numShrinks: details.numShrinks };
  if (details.failed) {
    if (details.counterexamplePath !== null) outcome.path = details.counterexamplePath;
    if (details.counterexample !== null) outcome.counterexample = details.counterexample[0];
    if (details.errorInstance !== null) outcome.error = details.errorInstance;
  }
  return outcome;
}
