/**
 * @module `pact verify`: verifies a target against pact files with Pact's own Verifier, and maps its
 * outcome to one result per interaction. The Verifier runs in a child process (see verify-worker.ts)
 * behind Pact's proxy, whose request filter moves each pact path onto the target's layout and account
 * and replaces the example credentials with the target's own.
 */
import { fork } from 'node:child_process';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { CheckId } from '../checks/types.js';
import type { ConformanceReport, ReportedResponse, ResultRecord } from '../harness/report.js';
import { recordBody, REDACTED, SENSITIVE_HEADERS } from '../targets/redact.js';
import type { TargetKind } from '../targets/types.js';
import { parseApiPath, providerPath, type TargetLayout } from './paths.js';
import type { PactBody, PactInteraction } from './types.js';

/** What the worker is asked to do. Carries credentials: sent over IPC only, never on a command line. */
export interface VerifyJob {
  pactFiles: string[];
  /** The target's API root (REST: `…/client/v4`; gateway: `…/v1/{account}/{gateway}/workers-ai`). */
  providerBaseUrl: string;
  layout: TargetLayout;
  /** Credential headers the target wants (`Authorization`, or `X-Auth-Email` + `X-Auth-Key`, `cf-aig-authorization`). */
  headers: Record<string, string>;
  /** `present`: only requests that carry credentials get the target's (an interaction without them stays without); `always`: every request. */
  injectAuth: 'present' | 'always';
  timeoutMs: number;
}

/** A request the Verifier sent through the proxy, and what the target answered (body base64, cut at a limit). */
export interface CapturedExchange {
  method: string;
  /** The path as the pact has it. */
  path: string;
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Full body size in bytes. */
  size: number;
  firstByteMs: number;
  totalMs: number;
}

/** What the worker answers: each file's raw Verifier output (JSON results, or an error message) and the exchanges, in order. */
export interface WorkerReply {
  files: { file: string; ok: boolean; raw: string; exchanges: CapturedExchange[] }[];
  error?: string;
}

export interface VerifyOptions extends Omit<VerifyJob, 'pactFiles' | 'timeoutMs' | 'injectAuth'> {
  /** A directory of pact files (`*.json`) or one pact file. */
  pacts: string;
  timeoutMs?: number;
  injectAuth?: VerifyJob['injectAuth'];
}

/** The verdict on one interaction. */
export interface InteractionResult {
  file: string;
  consumer: string;
  provider: string;
  description: string;
  method: string;
  /** The path as the pact has it. */
  path: string;
  /** The URL the request went to on the target. */
  url: string;
  expectedStatus: number;
  /** The model the path names, if any. */
  model?: string;
  status: 'passed' | 'failed';
  /** What did not match (empty when passed). */
  messages: string[];
  request: PactInteraction['request'];
  /** What the target answered (credentials never recorded), when the request got an answer. */
  response?: ReportedResponse;
}

export interface VerifyOutcome {
  results: InteractionResult[];
  passed: number;
  failed: number;
}

/** The pact files could not be read or are not pacts (a usage error). */
export class PactFileError extends Error {
  override readonly name = 'PactFileError';
}

/** The target did not answer at all (exit 3). */
export class ProviderUnreachableError extends Error {
  override readonly name = 'ProviderUnreachableError';
}

/** The Verifier could not run (crashed, or the native core failed to load). */
export class VerifierError extends Error {
  override readonly name = 'VerifierError';
}

interface LoadedPact {
  file: string;
  consumer: string;
  provider: string;
  interactions: PactInteraction[];
}

/** The pact files of a directory (sorted), or the one file given. Throws PactFileError. */
export function pactFilesOf(pacts: string): string[] {
  let stat;
  try {
    stat = statSync(pacts);
  } catch {
    throw new PactFileError(`cannot read ${pacts}: no such file or directory`);
  }
  if (stat.isFile()) return [resolve(pacts)];
  const files = readdirSync(pacts)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => resolve(join(pacts, f)));
  if (files.length === 0) throw new PactFileError(`no pact files (*.json) in ${pacts}`);
  return files;
}

function loadPact(file: string): LoadedPact {
  let doc: unknown;
  try {
    doc = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PactFileError(`${file} is not a readable JSON pact file: ${(error as Error).message}`);
  }
  const pact = doc as { consumer?: { name?: unknown }; provider?: { name?: unknown }; interactions?: unknown };
  if (typeof pact !== 'object' || pact === null || !Array.isArray(pact.interactions)) throw new PactFileError(`${file} is not a pact file (no "interactions" array)`);
  return {
    file,
    consumer: typeof pact.consumer?.name === 'string' ? pact.consumer.name : 'consumer',
    provider: typeof pact.provider?.name === 'string' ? pact.provider.name : 'provider',
    interactions: (pact.interactions as PactInteraction[]).filter((i) => typeof i === 'object' && i !== null && typeof i.description === 'string' && typeof i.request === 'object'),
  };
}

/** The module that runs the Verifier, and how to start it: the compiled worker, or the source one through tsx. */
function workerEntry(): { path: string; execArgv: string[] } | undefined {
  const here = import.meta.url;
  if (here.endsWith('.js')) return { path: fileURLToPath(new URL('./verify-worker.js', here)), execArgv: [] };
  try {
    const loader = createRequire(here).resolve('tsx');
    return { path: fileURLToPath(new URL('./verify-worker.ts', here)), execArgv: ['--import', pathToFileURL(loader).href] };
  } catch {
    return undefined;
  }
}

/** Runs the job in a child process whose standard output (Pact's verification tree) is kept, not printed. */
async function runWorker(job: VerifyJob): Promise<WorkerReply> {
  const entry = workerEntry();
  if (!entry) {
    // Running from source without tsx: verify in this process (the native core then prints its tree).
    const { runJob } = await import('./verify-runner.js');
    return runJob(job);
  }
  return new Promise((resolvePromise, reject) => {
    const child = fork(entry.path, [], {
      execArgv: entry.execArgv,
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      env: { ...process.env, LOG_LEVEL: 'error' },
    });
    let stderr = '';
    child.stdout?.resume();
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr = (stderr + chunk.toString('utf8')).slice(-4000);
    });
    let reply: WorkerReply | undefined;
    child.on('message', (message) => {
      reply = message as WorkerReply;
    });
    child.on('error', (error) => reject(new VerifierError(`cannot start the Pact verifier: ${error.message}`)));
    child.on('exit', (code, signal) => {
      if (reply) resolvePromise(reply);
      else reject(new VerifierError(`the Pact verifier ended without results (${signal ?? `exit ${code}`})${stderr ? `:\n${stderr.trim()}` : ''}`));
    });
    child.send(job);
  });
}

interface VerifierMismatch {
  type?: string;
  path?: string;
  mismatch?: string;
  expected?: unknown;
  actual?: unknown;
}

interface VerifierJson {
  result?: boolean;
  interactionResults?: { description?: string; result?: string }[];
  errors?: { interaction?: string; mismatch?: { type?: string; message?: string; mismatches?: VerifierMismatch[] } }[];
}

function parseVerifierJson(raw: string): VerifierJson | undefined {
  try {
    const parsed = JSON.parse(raw) as unknown;
    return typeof parsed === 'object' && parsed !== null ? (parsed as VerifierJson) : undefined;
  } catch {
    return undefined;
  }
}

function mismatchMessage(m: VerifierMismatch): string {
  const text = m.mismatch ?? `expected ${JSON.stringify(m.expected)}, got ${JSON.stringify(m.actual)}`;
  if (m.type === 'StatusMismatch') return `status: ${text}`;
  if (m.type === 'HeaderMismatch') return `header: ${text}`;
  return m.path ? `${m.path}: ${text}` : text;
}

/** Whether the Verifier's name of an interaction (`Verifying a pact between C and P [Given S] - DESC`) is this description. */
function namesInteraction(name: string, description: string): boolean {
  return name === description || name.endsWith(` - ${description}`);
}

/** A captured answer as reports keep it: sensitive headers redacted, the body as text or a digest. */
function reportedResponse(exchange: CapturedExchange): ReportedResponse {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(exchange.headers)) headers[name] = SENSITIVE_HEADERS.has(name) ? REDACTED : value;
  const bytes = Buffer.from(exchange.body, 'base64');
  const body = recordBody(bytes, headers['content-type']);
  // The capture keeps at most a prefix: say so, and how long the whole body was.
  const recorded = body.kind === 'text' && bytes.length < exchange.size ? { ...body, truncated: true, size: exchange.size } : body.kind === 'binary' ? { ...body, size: exchange.size } : body;
  return { status: exchange.status, headers, body: recorded, timing: { firstByteMs: exchange.firstByteMs, totalMs: exchange.totalMs } };
}

function expectedStatusOf(interaction: PactInteraction): number {
  return typeof interaction.response?.status === 'number' ? interaction.response.status : 200;
}

/** Throws ProviderUnreachableError when nothing answers at the target's root (any HTTP status counts as an answer). */
export async function checkReachable(baseUrl: string, timeoutMs = 10_000): Promise<void> {
  try {
    const response = await fetch(baseUrl, { method: 'GET', signal: AbortSignal.timeout(timeoutMs), redirect: 'manual' });
    await response.body?.cancel();
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new ProviderUnreachableError(`the target at ${baseUrl} is unreachable: ${cause?.code ?? cause?.message ?? (error as Error).message}`);
  }
}

/**
 * Verifies the target against the pact files: one result per interaction (passed, or failed with
 * what did not match). Throws PactFileError for unreadable pacts, ProviderUnreachableError when the
 * target does not answer, VerifierError when Pact's verifier cannot run.
 */
export async function verifyPacts(options: VerifyOptions): Promise<VerifyOutcome> {
  const files = pactFilesOf(options.pacts);
  const pacts = files.map(loadPact);
  await checkReachable(options.providerBaseUrl, Math.min(options.timeoutMs ?? 10_000, 10_000));
  const job: VerifyJob = {
    pactFiles: files,
    providerBaseUrl: options.providerBaseUrl,
    layout: options.layout,
    headers: options.headers,
    injectAuth: options.injectAuth ?? 'present',
    timeoutMs: options.timeoutMs ?? 30_000,
  };
  const reply = await runWorker(job);
  if (reply.error) throw new VerifierError(`the Pact verifier failed: ${reply.error}`);
  const results: InteractionResult[] = [];
  const root = options.providerBaseUrl.replace(/\/+$/, '');
  for (const pact of pacts) {
    const fileReply = reply.files.find((f) => f.file === pact.file);
    const json = fileReply ? parseVerifierJson(fileReply.raw) : undefined;
    if (fileReply && !json) {
      // Not the results document: the verifier could not verify this file at all.
      throw new VerifierError(`the Pact verifier could not verify ${pact.file}: ${fileReply.raw}`);
    }
    const exchanges = [...(fileReply?.exchanges ?? [])];
    for (const interaction of pact.interactions) {
      // The Verifier runs a file's interactions in order, one request each: the next exchange with this method and path is this interaction's.
      const at = exchanges.findIndex((e) => e.path === interaction.request.path && e.method.toUpperCase() === (interaction.request.method ?? 'GET').toUpperCase());
      const exchange = at >= 0 ? exchanges.splice(at, 1)[0] : undefined;
      const verdict = json?.interactionResults?.find((r) => r.description === interaction.description);
      const errors = (json?.errors ?? []).filter((e) => typeof e.interaction === 'string' && namesInteraction(e.interaction, interaction.description));
      const messages: string[] = [];
      for (const error of errors) {
        const mismatch = error.mismatch;
        if (mismatch?.mismatches?.length) messages.push(...mismatch.mismatches.map(mismatchMessage));
        else if (mismatch?.message) messages.push(mismatch.message);
      }
      const passed = verdict?.result === 'OK' && messages.length === 0;
      if (!passed && messages.length === 0) messages.push(verdict ? `the verifier reports ${verdict.result ?? 'a failure'}` : 'not verified (the verifier reported no result for it)');
      const api = parseApiPath(interaction.request.path);
      results.push({
        file: pact.file,
        consumer: pact.consumer,
        provider: pact.provider,
        description: interaction.description,
        method: interaction.request.method ?? 'GET',
        path: interaction.request.path,
        url: `${root}${providerPath(interaction.request.path, options.layout)}`,
        expectedStatus: expectedStatusOf(interaction),
        ...(api.kind === 'run' ? { model: api.model } : {}),
        status: passed ? 'passed' : 'failed',
        messages: passed ? [] : messages,
        request: interaction.request,
        ...(exchange ? { response: reportedResponse(exchange) } : {}),
      });
    }
  }
  const passed = results.filter((r) => r.status === 'passed').length;
  return { results, passed, failed: results.length - passed };
}

/** The check a verified interaction stands for in reports: what it asserts, by its expected answer. */
export function checkOfInteraction(result: Pick<InteractionResult, 'expectedStatus'> & { binary?: boolean }): CheckId {
  const { expectedStatus } = result;
  if (expectedStatus === 401 || expectedStatus === 403) return 'auth.required';
  if (expectedStatus >= 400 && expectedStatus < 500) return 'status.client-error';
  if (expectedStatus >= 200 && expectedStatus < 300) return result.binary ? 'content-type' : 'output.schema';
  return 'status.success';
}

function endpointOf(path: string, method: string): string {
  const api = parseApiPath(path);
  if (api.kind === 'run') return `${method} /ai/run/{model}`;
  if (api.kind === 'openai') return `${method} /ai/v1/${api.endpoint}`;
  if (api.kind === 'catalog') return `${method} /ai/${api.endpoint}`;
  return `${method} ${path.split('?')[0]}`;
}

function requestBodyRecord(body: PactBody | undefined): { kind: 'none' } | { kind: 'text'; text: string; truncated: boolean; size: number } {
  if (!body || body.content === undefined) return { kind: 'none' };
  const text = typeof body.content === 'string' ? body.content : JSON.stringify(body.content);
  const limit = 4096;
  return { kind: 'text', text: text.slice(0, limit), truncated: text.length > limit, size: Buffer.byteLength(text) };
}

function requestHeaders(request: PactInteraction['request']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers ?? {})) {
    const lower = name.toLowerCase();
    // The pact's example credentials stand for the target's, which are never recorded.
    out[lower] = SENSITIVE_HEADERS.has(lower) ? REDACTED : Array.isArray(value) ? value.join(', ') : String(value);
  }
  return out;
}

/** Options of the report of a verification. */
export interface VerificationReportOptions {
  target: { kind: TargetKind; baseUrl: string };
  startedAt: Date;
  durationMs: number;
  tool: { name: string; version: string };
  /** Task of a model id (report rows name the task); unknown models report `pact`. */
  taskOf?: (model: string) => string | undefined;
  /** Whether a model answers raw bytes (its 200 interaction then stands for `content-type`). */
  isBinary?: (model: string) => boolean;
  settings?: Record<string, unknown>;
  reproduce: string;
}

/** The verification as a ConformanceReport: one result per interaction, so the usual reporters can render it. */
export function verificationReport(outcome: VerifyOutcome, options: VerificationReportOptions): ConformanceReport {
  const results: ResultRecord[] = outcome.results.map((r) => {
    const check = checkOfInteraction({ ...r, binary: r.model !== undefined && (options.isBinary?.(r.model) ?? false) });
    return {
      model: r.model ?? null,
      task: (r.model && options.taskOf?.(r.model)) || 'pact',
      endpoint: endpointOf(r.path, r.method),
      check,
      status: r.status,
      requests: 1,
      failures:
        r.status === 'passed'
          ? []
          : [
              {
                message: `interaction "${r.description}" (${r.consumer} → ${r.provider}): ${r.messages.join('; ')}`,
                request: { method: r.method, url: r.url, headers: requestHeaders(r.request), body: requestBodyRecord(r.request.body) },
                ...(r.response ? { response: r.response } : { error: { kind: 'network' as const, message: 'no answer was recorded for this interaction' } }),
                seed: 0,
                path: '',
                reproduce: options.reproduce,
              },
            ],
    };
  });
  return {
    tool: options.tool,
    target: options.target,
    seed: 0,
    startedAt: options.startedAt.toISOString(),
    durationMs: options.durationMs,
    complete: true,
    settings: { target: options.target.kind, baseUrl: options.target.baseUrl, ...(options.settings ?? {}) },
    summary: {
      checks: results.length,
      passed: results.filter((r) => r.status === 'passed').length,
      failed: results.filter((r) => r.status === 'failed').length,
      skipped: 0,
      requests: results.length,
    },
    results,
  };
}
