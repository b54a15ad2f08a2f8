/** @module The harness: runs planned executions against a target once each, and judges them into results. */
import { isUtf8 } from 'node:buffer';
import fc from 'fast-check';
import type { CheckId, Expectation } from '../checks/types.js';
import type { Contract, PartnerModel } from '../contract/contract.js';
import type { JsonSchema } from '../contract/types.js';
import { createRng } from '../emulator/rng.js';
import { exampleFromSchema } from '../generate/example-from-schema.js';
import type { ModelEntry } from '../contract/types.js';
import { invalidCoveringRequests, invalidRequests, validRequests, type GeneratedRequest } from '../generate/requests.js';
import { coveringRequests } from '../generate/covering.js';
import { fastDrawing } from '../generate/fast-draw.js';
import type { Exchange, OpenAiEndpoint, RequestSpec, Target } from '../targets/types.js';
import type { RunOptions } from './options.js';
import type { CoverageSample, ModelFacet } from './coverage-recorder.js';
import { sampleExecution } from './coverage-exchange.js';
import { BATCH_MAX_POLLS, EXECUTION_CHECKS, messagesModel, partnerModel, selectModels, validRuns, UNKNOWN_MESSAGES_MODEL_ID, UNKNOWN_MODEL_ID, type ExecutionKind, type PlannedCase } from './plan.js';
import { runProperty, toResults, type JudgedExchange } from './property.js';
import type { ResultRecord } from './report.js';
import { EXPECTATION_OF, judgeOne, judgeTogether, splitChecks } from './judging.js';
import { oracleGroup } from '../cassettes/oracle.js';
import { recordedText } from '../targets/redact.js';

/** The executions a binding-shaped target (`env.AI.run`) can take part in. */
const BINDING_EXECUTIONS: ReadonlySet<ExecutionKind> = new Set<ExecutionKind>(['run-valid', 'run-invalid', 'run-stream', 'unknown-model', 'partner', 'partner-refused']);

/** The exchanges of one execution, judged, and the seed they were drawn with. */
interface Execution {
  judged: JudgedExchange[];
  seed: number;
  /** What it covered, computed when first asked for. */
  coverage?: CoverageSample;
}

/** The facets of its model each kind of execution sets out to cover (what it expects is EXPECTATION_OF's, shared with `judge`). */
const COVERED_FACETS: Record<ExecutionKind, ModelFacet[]> = {
  'run-valid': ['input', 'output'],
  'run-invalid': ['invalid'],
  'run-stream': ['input'],
  auth: [],
  'unknown-model': [],
  openai: [],
  messages: [],
  'messages-refused': [],
  partner: [],
  'partner-refused': [],
  gateway: [],
  catalog: [],
  batch: [],
  oracle: [],
};

/** A member of a JSON answer's `result`, when there is one. */
function resultMember(exchange: Exchange | undefined, name: string): unknown {
  try {
    const body = JSON.parse(Buffer.from(exchange?.response?.bytes ?? []).toString('utf8')) as { result?: Record<string, unknown> };
    return typeof body.result === 'object' && body.result !== null ? body.result[name] : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A valid input of a partner model: a short chat for a chat model (a live run bills its tokens), else the required
 * members of its published input schema, drawn with the execution's seed.
 */
function partnerInput(contract: Contract, partner: PartnerModel, seed: number): unknown {
  const schema = (contract.openapi.components as { schemas: Record<string, JsonSchema> }).schemas[partner.input]!;
  const properties = (schema as { properties?: Record<string, unknown> }).properties ?? {};
  if ('messages' in properties) return { messages: [{ role: 'user', content: sampleTexts(seed, 1)[0]! }], max_tokens: 32 };
  return exampleFromSchema(schema, createRng(seed), { optional: false });
}

const NO_BYTES = new Uint8Array(0);

/**
 * Lets go of an answer's bytes once its execution is judged and its coverage sampled, when nothing read later can tell:
 * what reads an execution afterwards (its results, the catalogue check borrowing /ai/run answers) reads the body through
 * `bodyText`, which gives the recorded text when the bytes are gone. So the bytes go when the record holds the whole
 * text they decode to, or when they are not UTF-8 at all (read as no JSON either way). A body recorded cut short
 * keeps its bytes. The reports never carry bytes; `--record` keeps them all (the cassette is written from them).
 */
function releaseBytes(judged: readonly JudgedExchange[]): void {
  for (const { exchange } of judged) {
    const response = exchange.response;
    if (!response || response.bytes.length === 0) continue;
    const { body, bytes } = response;
    const whole = body.kind === 'text' && !body.truncated && recordedText(bytes) === body.text;
    if (whole || (body.kind === 'binary' && !isUtf8(bytes))) response.bytes = NO_BYTES;
  }
}

/** FNV-1a: a stable 32-bit hash, so each execution's seed depends only on the run seed, kind and model. */
function hash32(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** The seed of one execution: reproducible with `--seed` whatever else the run selects. */
export function executionSeed(runSeed: number, kind: ExecutionKind, model: string | undefined): number {
  return hash32(`${runSeed}:${kind}:${model ?? ''}`) | 0;
}

/** The key of a case's execution: executions are shared by the cases (suite views) of the same kind and model. */
export function executionKey(planned: PlannedCase): string {
  return planned.recorded !== undefined ? `oracle:${planned.recorded}` : `${planned.kind}:${planned.model?.id ?? ''}`;
}

/** What the harness drives. */
export interface HarnessParts {
  contract: Contract;
  target: Target;
  /** A target on the AI Gateway layout, when the gateway area can run. */
  gatewayTarget?: Target;
  options: RunOptions;
}

const SAMPLE_TEXTS = ['Where is New York?', 'Tell me a story about an orange cloud.', 'What is the capital of France?', 'Summarise the plot of Hamlet.'];

/** `count` prompts of SAMPLE_TEXTS drawn from `seed`. */
function sampleTexts(seed: number, count: number): string[] {
  return fc.sample(fc.constantFrom(...SAMPLE_TEXTS), { seed, numRuns: count });
}

/** A JSON POST to one /ai/v1 endpoint. */
function v1Post(endpoint: OpenAiEndpoint, json: unknown): RequestSpec {
  return { operation: { kind: 'openai', endpoint }, method: 'POST', body: { json } };
}

/**
 * Runs executions on demand, each once (suites of different areas view the same execution
 * through different checks), and turns them into report results.
 */
export class Harness {
  private readonly executions = new Map<string, Promise<Execution>>();
  private readonly taken = new Set<string>();

  constructor(private readonly parts: HarnessParts) {}

  /** Results of one planned case (the execution runs on first use). */
  async run(planned: PlannedCase): Promise<ResultRecord[]> {
    const execution = await this.execution(planned);
    const { options, target } = this.parts;
    const model = planned.model?.id ?? planned.modelId ?? null;
    const base = `wai-conformance run --target ${options.target}${options.target === 'url' ? ` --base-url ${target.baseUrl}` : ''}`;
    return toResults(execution.judged, planned.checks, {
      model,
      task: planned.model?.task ?? planned.area,
      endpoint: planned.endpoint,
      seed: execution.seed,
      reproduce: (check) =>
        options.oracle
          ? `${base} --oracle ${options.oracle}${options.faults.map((f) => ` --fault ${f}`).join('')}`
          : `${base}${model ? ` --models ${model}` : ''} --checks ${check} --seed ${options.seed}${options.runs !== 3 ? ` --runs ${options.runs}` : ''}`,
    });
  }

  /**
   * The judged exchanges of a case's execution the first time they are asked for, then undefined: a
   * cassette records each execution once, however many suites view it.
   */
  async takeJudged(planned: PlannedCase): Promise<{ id: string; seed: number; checks: CheckId[]; judged: JudgedExchange[] } | undefined> {
    const id = executionKey(planned);
    const execution = await this.execution(planned);
    if (this.taken.has(id)) return undefined;
    this.taken.add(id);
    return { id, seed: execution.seed, checks: this.checksOf(planned.kind), judged: execution.judged };
  }

  /** Requests an executed case's execution sent, retries included (0 before it ran). */
  async requestsOf(planned: PlannedCase): Promise<number> {
    const execution = await this.execution(planned);
    return execution.judged.filter((j) => !j.borrowed).reduce((sum, j) => sum + j.exchange.attempts, 0);
  }

  /** What a planned case's execution covered (its requests and answers, read once). */
  async coverageOf(planned: PlannedCase): Promise<CoverageSample> {
    const execution = await this.execution(planned);
    execution.coverage ??= this.coverageSample(planned, execution.judged);
    return execution.coverage;
  }

  private coverageSample(planned: PlannedCase, judged: readonly JudgedExchange[]): CoverageSample {
    return sampleExecution(this.parts.contract, judged, { expectation: EXPECTATION_OF[planned.kind], facets: COVERED_FACETS[planned.kind], checks: this.checksOf(planned.kind), ...(planned.model ? { model: planned.model.id } : {}) });
  }

  private execution(planned: PlannedCase): Promise<Execution> {
    const { kind, model } = planned;
    const key = executionKey(planned);
    let execution = this.executions.get(key);
    if (!execution) {
      const seed = executionSeed(this.parts.options.seed, kind, model?.id);
      execution = (kind === 'oracle' ? this.oracle(planned) : this.execute(kind, model, seed)).then((judged) => {
        const done: Execution = { judged, seed };
        // Every case of an execution is held until the reports are written: keep what they read, not the answers' bytes.
        if (!this.parts.options.record) {
          done.coverage = this.coverageSample(planned, judged);
          releaseBytes(judged);
        }
        return done;
      });
      this.executions.set(key, execution);
    }
    return execution;
  }

  private checksOf(kind: ExecutionKind): CheckId[] {
    const selected = this.parts.options.checks;
    return EXECUTION_CHECKS[kind].filter((c) => selected.length === 0 || selected.includes(c));
  }

  private async execute(kind: ExecutionKind, model: ModelEntry | undefined, seed: number): Promise<JudgedExchange[]> {
    const { contract, target, options } = this.parts;
    // A binding-shaped target only runs models: credentials, /ai/v1, the gateway and the catalogue are HTTP's, so
    // their checks judge nothing and are reported skipped.
    if ((target.kind === 'binding' || target.kind === 'miniflare') && !BINDING_EXECUTIONS.has(kind)) return [];
    const checks = this.checksOf(kind);
    // A "valid" request is sent only if the contract accepts it, shrunk ones included: a generator
    // slip must never count against a target.
    const acceptValid = (value: GeneratedRequest) => value.form !== 'json' || !model || contract.validateModel(model, 'input', value.input).length === 0;
    const property = async (arbitrary: fc.Arbitrary<GeneratedRequest>, expectation: Expectation, runs = options.runs, examples: GeneratedRequest[] = []) =>
      (await runProperty({ contract, target, ...(model ? { model } : {}), arbitrary, checks, expectation, seed, runs, examples, ...(expectation === 'success' ? { accept: acceptValid } : {}) })).judged;
    switch (kind) {
      case 'run-valid': {
        // Covering requests first (every enum value, branch and optional property), then random ones.
        const covering = coveringRequests(contract, model!, seed);
        return property(validRequests(contract, model!), 'success', validRuns(options.runs, covering.length), covering);
      }
      case 'run-invalid': {
        const invalid = invalidRequests(contract, model!);
        if (!invalid) return [];
        // Covering first: as many different rules broken as the model's invalid cases allow, then random ones.
        const covering = invalidCoveringRequests(contract, model!, seed, options.runs);
        return property(invalid, 'client-error', options.runs - covering.length, covering);
      }
      case 'run-stream':
        return property(validRequests(contract, model!, { stream: true, raw: false }), 'success');
      case 'auth':
        return this.sendJudged(
          (['none', 'invalid'] as const).map((auth) => ({ ...this.sample(validRequests(contract, model!, { raw: false }), seed), auth })),
          checks,
          'auth-error',
          model,
        );
      case 'unknown-model':
        return this.sendJudged([{ operation: { kind: 'run', model: UNKNOWN_MODEL_ID }, method: 'POST', body: { json: { prompt: 'Hello' } } }], checks, 'unknown-model');
      case 'openai':
        return this.openAi(model!, seed, checks);
      case 'messages':
        return this.messages(seed, checks);
      case 'messages-refused':
        return this.messagesRefused(seed, checks);
      case 'partner':
      case 'partner-refused':
        return this.partner(kind, seed, checks);
      case 'gateway':
        return this.gateway(model!, seed, checks);
      case 'catalog':
        return this.catalog(checks);
      case 'batch':
        return this.batch(model!, seed, checks);
      case 'oracle':
        throw new Error('oracle executions are run by Harness.oracle');
    }
  }

  /** `--oracle`: sends a recorded execution's requests again, each judged against its recorded answer. */
  private async oracle(planned: PlannedCase): Promise<JudgedExchange[]> {
    const { contract, target, gatewayTarget, options } = this.parts;
    const group = oracleGroup(options.oracle!, contract, planned.recorded!);
    const judged: JudgedExchange[] = [];
    for (const [index, item] of (group?.items ?? []).entries()) {
      const sender = item.read.located.layout === 'gateway' ? gatewayTarget : target;
      if (!sender) continue;
      const exchange = await sender.send(item.exchange.spec);
      if (exchange.error?.kind === 'budget') break;
      const one = judgeOne(contract, planned.checks, exchange, EXPECTATION_OF[group!.kind], group!.model, item.input, { recorded: item.exchange });
      judged.push({ ...one, path: String(index) });
    }
    return judged;
  }

  /**
   * The asynchronous Batch API: queue a batch of up to three requests drawn like valid single requests (each
   * with an `external_reference`) with `?queueRequest=true`, then poll with its `request_id` until the results
   * come (at most BATCH_MAX_POLLS times), and judge the lot with batch.lifecycle.
   */
  private async batch(model: ModelEntry, seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const { contract } = this.parts;
    const acceptsBatch = (items: unknown[]) => contract.validateModel(model, 'input', { requests: items }).length === 0;
    const items: Record<string, unknown>[] = [];
    for (const drawn of fc.sample(fastDrawing(validRequests(contract, model, { raw: false, stream: false })), { seed, numRuns: 6 })) {
      if (items.length === 3 || drawn.form !== 'json' || typeof drawn.input !== 'object' || drawn.input === null) continue;
      const { stream: _stream, ...single } = drawn.input as Record<string, unknown>;
      if ('requests' in single || 'request_id' in single || contract.validateModel(model, 'input', single).length > 0) continue;
      const referenced = { ...single, external_reference: `wai-conformance-${items.length}` };
      if (acceptsBatch([...items, referenced])) items.push(referenced);
      else if (acceptsBatch([...items, single])) items.push(single);
    }
    if (items.length === 0) return [];
    const run = (json: unknown): RequestSpec => ({ operation: { kind: 'run', model: model.id }, method: 'POST', query: { queueRequest: 'true' }, body: { json } });
    const judged = await this.sendJudged([run({ requests: items })], [], 'success', model);
    const requestId = resultMember(judged[0]?.exchange, 'request_id');
    for (let poll = 0; typeof requestId === 'string' && poll < BATCH_MAX_POLLS; poll++) {
      const [answer] = await this.sendJudged([run({ request_id: requestId })], [], 'success', model);
      if (!answer) break;
      answer.path = String(judged.length);
      judged.push(answer);
      const status = answer.exchange.response?.status ?? 0;
      if (status < 200 || status >= 300 || resultMember(answer.exchange, 'responses') !== undefined) break;
    }
    return this.judgeTogether(judged, checks, model);
  }

  /** One deterministic request spec drawn from an arbitrary. */
  private sample(arbitrary: fc.Arbitrary<GeneratedRequest>, seed: number): RequestSpec {
    return fc.sample(fastDrawing(arbitrary), { seed, numRuns: 1 })[0]!.spec;
  }

  /** Sends requests one after another (order matters to multi-exchange checks) and judges each. */
  private async sendJudged(specs: RequestSpec[], checks: CheckId[], expectation: Expectation, model?: ModelEntry, target = this.parts.target): Promise<JudgedExchange[]> {
    const judged: JudgedExchange[] = [];
    for (const [index, spec] of specs.entries()) {
      const exchange = await target.send(spec);
      if (exchange.error?.kind === 'budget') break;
      const input = spec.body && 'json' in spec.body ? spec.body.json : undefined;
      judged.push({ ...judgeOne(this.parts.contract, checks, exchange, expectation, model, input), path: String(index) });
    }
    return judged;
  }

  /** Adds the verdict of multi-exchange checks to the last exchange they judged. */
  private judgeTogether(judged: JudgedExchange[], checks: CheckId[], model?: ModelEntry): JudgedExchange[] {
    return judgeTogether(this.parts.contract, judged, checks, model);
  }

  private async openAi(model: ModelEntry, seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const texts = sampleTexts(seed, 2);
    const text = texts[0]!;
    const openai = model.facts.openai ?? {};
    const specs: RequestSpec[] = [];
    const run = (json: unknown): RequestSpec => ({ operation: { kind: 'run', model: model.id }, method: 'POST', body: { json } });
    const messages = [{ role: 'user', content: text }];
    if (openai.chat) {
      specs.push(run({ messages, max_tokens: 32 }));
      specs.push(v1Post('chat/completions', { model: model.id, messages, max_tokens: 32 }));
      specs.push(v1Post('chat/completions', { model: model.id, messages, max_tokens: 32, stream: true, stream_options: { include_usage: true } }));
    }
    if (openai.completions) specs.push(v1Post('completions', { model: model.id, prompt: text, max_tokens: 32 }));
    if (openai.embeddings) {
      specs.push(run({ text: texts }));
      specs.push(v1Post('embeddings', { model: model.id, input: texts, encoding_format: 'float' }));
      specs.push(v1Post('embeddings', { model: model.id, input: text, encoding_format: 'base64' }));
    }
    if (openai.responses) specs.push(v1Post('responses', { model: model.id, input: text, max_output_tokens: 64 }));
    const { single, together } = splitChecks('openai', checks);
    const judged = await this.sendJudged(specs, single, 'success', model);
    return this.judgeTogether(judged, together, model);
  }

  /** /ai/v1/messages for the run's Messages model: a whole answer, a stream, and a tool offered. */
  private async messages(seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const model = messagesModel(this.parts.contract, this.parts.options);
    // No gateway path is documented for /ai/v1/messages (spec/openapi.yaml createMessage): judged skipped there.
    if (!model || this.parts.target.kind === 'gateway') return [];
    const text = sampleTexts(seed, 1)[0]!;
    const post = (json: unknown): RequestSpec => v1Post('messages', json);
    const messages = [{ role: 'user', content: text }];
    const tool = { name: 'get_weather', description: 'The weather of a city', input_schema: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } };
    return this.sendJudged(
      [
        post({ model, max_tokens: 32, messages }),
        post({ model, max_tokens: 32, messages, stream: true }),
        post({ model, max_tokens: 64, messages: [{ role: 'user', content: 'What is the weather in Paris?' }], tools: [tool] }),
      ],
      checks,
      'success',
    );
  }

  /** /ai/v1/messages refusing what it does not serve: a Workers AI model of the run, and an id no catalogue has. */
  private async messagesRefused(seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const { contract, options } = this.parts;
    if (this.parts.target.kind === 'gateway') return [];
    const text = sampleTexts(seed, 1)[0]!;
    const body = (model: string) => ({ model, max_tokens: 16, messages: [{ role: 'user', content: text }] });
    const post = (json: unknown): RequestSpec => v1Post('messages', json);
    const workersAi = selectModels(contract, options).find((m) => m.facts.transport === 'http' && m.facts.openai?.chat);
    const specs = [...(workersAi ? [post(body(workersAi.id))] : []), post(body(UNKNOWN_MESSAGES_MODEL_ID))];
    return this.sendJudged(specs, checks, 'client-error');
  }

  /**
   * `POST /ai/run` with `{model, input}` for the run's partner model: an input drawn from its published input schema
   * (`partner`), or `{}`, which every listed partner model's schema refuses (it requires members: `partner-refused`).
   */
  private async partner(kind: 'partner' | 'partner-refused', seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const { contract, options } = this.parts;
    const partner = partnerModel(contract, options);
    // The form is documented on the REST API only (spec/openapi.yaml runPartnerModel): judged skipped elsewhere.
    if (!partner || this.parts.target.kind === 'gateway') return [];
    const input = kind === 'partner' ? partnerInput(contract, partner, seed) : {};
    return this.sendJudged([{ operation: { kind: 'partner', model: partner.id }, method: 'POST', body: { json: { model: partner.id, input } } }], checks, kind === 'partner' ? 'success' : 'client-error');
  }

  private async gateway(model: ModelEntry, seed: number, checks: CheckId[]): Promise<JudgedExchange[]> {
    const gateway = this.parts.gatewayTarget;
    if (!gateway) return [];
    const spec = this.sample(validRequests(this.parts.contract, model, { raw: false }), seed);
    const ttl = { 'cf-aig-cache-ttl': '3600' };
    const specs: RequestSpec[] = [
      { ...spec, headers: ttl },
      { ...spec, headers: ttl },
      { ...spec, headers: { ...ttl, 'cf-aig-skip-cache': 'true' } },
    ];
    const judged = await this.sendJudged(specs, [], 'success', model, gateway);
    return this.judgeTogether(judged, checks, model);
  }

  private async catalog(checks: CheckId[]): Promise<JudgedExchange[]> {
    const { contract } = this.parts;
    const get = (endpoint: 'models/search' | 'models/schema', query: Record<string, string>): RequestSpec => ({ operation: { kind: 'catalog', endpoint }, method: 'GET', query });
    const specs: RequestSpec[] = [];
    const perPage = 100;
    const judged: JudgedExchange[] = [];
    // Every page of the listing, then each selected model's published schema.
    for (let page = 1; page <= 20; page++) {
      const [listing] = await this.sendJudged([get('models/search', { page: String(page), per_page: String(perPage) })], [], 'success');
      if (!listing) break;
      judged.push(listing);
      const count = this.listedCount(listing.exchange);
      if (count < perPage) break;
    }
    const models = selectModels(contract, this.parts.options);
    for (const model of models) specs.push(get('models/schema', { model: model.id }));
    judged.push(...(await this.sendJudged(specs, [], 'success')));
    // What /ai/run accepted and answered, from the executions this run has already made.
    for (const model of models.filter((m) => m.facts.transport === 'http')) {
      const key = `run-valid:${model.id}`;
      if (this.executions.has(key)) judged.push(...(await this.executions.get(key)!).judged.map((j) => ({ ...j, outcomes: [], borrowed: true })));
    }
    return this.judgeTogether(judged, checks);
  }

  private listedCount(exchange: Exchange): number {
    try {
      const body = JSON.parse(Buffer.from(exchange.response?.bytes ?? []).toString('utf8')) as { result?: unknown[] };
      return Array.isArray(body.result) ? body.result.length : 0;
    } catch {
      return 0;
    }
  }
}
