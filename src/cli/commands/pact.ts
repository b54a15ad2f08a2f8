/** @module `wai-conformance pact export|verify|check`: Pact V4 contract testing driven by the contract. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { loadContract } from '../../contract/load.js';
import { ActiveFaults, FaultSpecError } from '../../emulator/index.js';
import { checkPact, formatFinding, InvalidPactError } from '../../pact/check.js';
import { buildPact, DEFAULT_BASE_PATH, DEFAULT_CONSUMER, DEFAULT_PROVIDER, selectExportModels, writePact } from '../../pact/export.js';
import type { TargetLayout } from '../../pact/paths.js';
import { PactFileError, ProviderUnreachableError, VerifierError, verificationReport, verifyPacts, type VerifyOutcome } from '../../pact/verify.js';
import { ConfigurationError, createTarget, PLACEHOLDER_ACCOUNT_ID, PLACEHOLDER_TOKEN, readCredentials, type CloudflareAuth, type Env, type TargetKind } from '../../targets/index.js';
import { EXIT, UsageError } from '../usage-error.js';
import type { Io } from '../output.js';

export const PACT_USAGE = `wai-conformance pact export|verify|check [options]
  Pact V4 contract testing from the contract.

  pact export --out DIR [--models LIST] [--consumer NAME] [--provider NAME] [--base-path PATH] [--account-id ID]
    Write DIR/{consumer}-{provider}.json. Per model: a valid request answered 200 (matchers from its
    output schema; binary answers by Content-Type), a request missing a required field answered 400 with
    the error envelope; for the first model also a request without credentials answered 401 or 403.
    --models LIST     ids or globs (@cf/meta/*); default one model per task
    --consumer NAME   default ${DEFAULT_CONSUMER}; --provider NAME default ${DEFAULT_PROVIDER}
    --base-path PATH  path before /accounts/... (default ${DEFAULT_BASE_PATH}); --account-id ID (default a placeholder)

  pact verify --pacts DIR|FILE [--target emulator|live|gateway|url] [--base-url URL] [--account-id ID]
              [--gateway-id ID] [--fault NAME ...] [--timeout MS] [--inject-auth present|always] [--report-dir DIR]
    Verify a target with Pact's Verifier. Paths move onto the target's root and account; requests that
    carry credentials get the target's (from the environment, as for run; --inject-auth always: every request).
    --report-dir DIR  also write DIR/conformance.json (one result per interaction)

  pact check FILE [--json]
    Check a consumer's pact against the contract offline: requests the API would refuse, responses it never
    gives (statuses, envelope, fields the model's output does not have, binary media types).

  Exit: 0 ok, 1 failed interactions or findings, 2 usage error or unreadable pact, 3 target unreachable or verifier failed.`;

const SUBCOMMANDS = ['export', 'verify', 'check'] as const;
const TARGETS: readonly TargetKind[] = ['emulator', 'live', 'gateway', 'url'];

function list(value: string | undefined): string[] {
  return value ? value.split(',').map((s) => s.trim()).filter(Boolean) : [];
}

export async function pactCommand(argv: string[], io: Io, env: Env = process.env): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub === 'export') return exportCommand(rest, io);
  if (sub === 'verify') return verifyCommand(rest, io, env);
  if (sub === 'check') return checkCommand(rest, io);
  throw new UsageError(sub === undefined ? `expected a subcommand (${SUBCOMMANDS.join(', ')})` : `unknown subcommand "${sub}" (${SUBCOMMANDS.join(', ')})`);
}

async function exportCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      models: { type: 'string' },
      out: { type: 'string' },
      consumer: { type: 'string' },
      provider: { type: 'string' },
      'base-path': { type: 'string' },
      'account-id': { type: 'string' },
      spec: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.out) throw new UsageError('--out DIR is required');
  for (const name of ['consumer', 'provider', 'account-id'] as const) if (values[name] !== undefined && !values[name]!.trim()) throw new UsageError(`--${name} must not be empty`);
  let basePath = values['base-path'] ?? DEFAULT_BASE_PATH;
  if (basePath !== '' && !basePath.startsWith('/')) throw new UsageError(`--base-path must start with "/", got "${basePath}"`);
  basePath = basePath.replace(/\/+$/, '');
  const contract = loadContract(values.spec);
  const models = list(values.models);
  if (selectExportModels(contract, models).length === 0) throw new UsageError(`--models ${values.models} selects no catalogue model (run \`wai-conformance models\`)`);
  const { packageVersion } = await import('../version.js');
  const { pact, notes } = buildPact(contract, {
    models,
    basePath,
    toolVersion: packageVersion(),
    ...(values.consumer ? { consumer: values.consumer } : {}),
    ...(values.provider ? { provider: values.provider } : {}),
    ...(values['account-id'] ? { accountId: values['account-id'] } : {}),
  });
  for (const { model, note } of notes) io.err(`pact export: ${model}: ${note}\n`);
  if (pact.interactions.length === 0) {
    io.err('pact export: no interaction could be made for the selected models; nothing written\n');
    return EXIT.nonConformant;
  }
  const path = writePact(pact, values.out);
  const exported = new Set(pact.interactions.map((i) => i.request.path));
  io.out(`wrote ${path}: ${pact.interactions.length} interactions for ${exported.size} model${exported.size === 1 ? '' : 's'} (${pact.consumer.name} → ${pact.provider.name})\n`);
  return EXIT.ok;
}

/** Credential headers for the target's auth. */
function authHeaders(auth: CloudflareAuth): Record<string, string> {
  return auth.kind === 'token' ? { Authorization: `Bearer ${auth.token}` } : { 'X-Auth-Email': auth.email, 'X-Auth-Key': auth.key };
}

function integer(name: string, value: string | undefined, min: number): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n) || n < min) throw new UsageError(`--${name} must be an integer ≥ ${min}, not "${value}"`);
  return n;
}

function printOutcome(outcome: VerifyOutcome, io: Io): void {
  for (const r of outcome.results) {
    io.out(`${r.status === 'passed' ? 'PASS' : 'FAIL'}  ${r.description}\n`);
    for (const message of r.messages) io.out(`        ${message}\n`);
  }
  io.out(`\n${outcome.results.length} interactions: ${outcome.passed} passed, ${outcome.failed} failed\n`);
}

async function verifyCommand(argv: string[], io: Io, env: Env): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    strict: true,
    options: {
      pacts: { type: 'string' },
      target: { type: 'string' },
      'base-url': { type: 'string' },
      'account-id': { type: 'string' },
      'gateway-id': { type: 'string' },
      fault: { type: 'string', multiple: true },
      timeout: { type: 'string' },
      'inject-auth': { type: 'string' },
      'report-dir': { type: 'string' },
      spec: { type: 'string' },
    },
  });
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  if (!values.pacts) throw new UsageError('--pacts DIR (or a pact file) is required');
  const kind = (values.target ?? 'emulator') as TargetKind;
  if (!TARGETS.includes(kind)) throw new UsageError(`--target must be one of ${TARGETS.join(', ')}, not "${values.target}"`);
  const faults = (values.fault ?? []).flatMap((f) => list(f));
  if (faults.length && kind !== 'emulator') throw new UsageError('--fault applies only to --target emulator');
  try {
    new ActiveFaults(faults);
  } catch (error) {
    if (error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
  const injectAuth = values['inject-auth'] ?? 'present';
  if (injectAuth !== 'present' && injectAuth !== 'always') throw new UsageError(`--inject-auth must be present or always, not "${injectAuth}"`);
  const timeoutMs = integer('timeout', values.timeout, 1);
  const contract = loadContract(values.spec);

  // The emulator gets a fresh token: what the pacts carry never authenticates, only what the verifier injects.
  const emulatorToken = randomBytes(16).toString('hex');
  const gatewayLayout = kind === 'gateway' || (kind === 'emulator' && values['gateway-id'] !== undefined);
  let target;
  try {
    target = await createTarget({
      kind,
      env,
      ...(values['base-url'] !== undefined ? { baseUrl: values['base-url'] } : {}),
      ...(values['account-id'] !== undefined ? { accountId: values['account-id'] } : {}),
      ...(values['gateway-id'] !== undefined ? { gatewayId: values['gateway-id'] } : {}),
      ...(kind === 'emulator' ? { emulator: { token: emulatorToken, faults, contract, ...(gatewayLayout ? { layout: 'gateway' as const } : {}) } } : {}),
    });
  } catch (error) {
    if (error instanceof ConfigurationError || error instanceof FaultSpecError) throw new UsageError(error.message);
    throw error;
  }
  const startedAt = new Date();
  try {
    const credentials = kind === 'emulator' ? {} : readCredentials(env);
    const auth: CloudflareAuth = kind === 'emulator' ? { kind: 'token', token: emulatorToken } : (credentials.auth ?? { kind: 'token', token: PLACEHOLDER_TOKEN });
    const headers = authHeaders(auth);
    if (credentials.gatewayToken && gatewayLayout) headers['cf-aig-authorization'] = `Bearer ${credentials.gatewayToken}`;
    const accountId = values['account-id']?.trim() || env.CLOUDFLARE_ACCOUNT_ID?.trim() || PLACEHOLDER_ACCOUNT_ID;
    const layout: TargetLayout = gatewayLayout ? { kind: 'gateway' } : { kind: 'rest', accountId };
    io.err(`wai-conformance pact verify: ${values.pacts} against ${kind} ${target.baseUrl}\n`);
    let outcome: VerifyOutcome;
    try {
      outcome = await verifyPacts({
        pacts: values.pacts,
        providerBaseUrl: target.baseUrl,
        layout,
        headers,
        injectAuth,
        ...(timeoutMs !== undefined ? { timeoutMs } : {}),
      });
    } catch (error) {
      if (error instanceof PactFileError) {
        io.err(`wai-conformance pact verify: ${error.message}\n`);
        return EXIT.usage;
      }
      if (error instanceof ProviderUnreachableError || error instanceof VerifierError) {
        io.err(`wai-conformance pact verify: ${error.message}\n`);
        return EXIT.incomplete;
      }
      throw error;
    }
    printOutcome(outcome, io);
    if (values['report-dir']) {
      const { packageInfo } = await import('../version.js');
      const { writeReports } = await import('../../../reporters/write-reports.js');
      const flags = [`--pacts ${values.pacts}`, `--target ${kind}`, ...(values['base-url'] ? [`--base-url ${values['base-url']}`] : []), ...faults.map((f) => `--fault ${f}`)];
      const report = verificationReport(outcome, {
        target: { kind, baseUrl: target.baseUrl },
        startedAt,
        durationMs: Date.now() - startedAt.getTime(),
        tool: packageInfo(),
        taskOf: (id) => contract.model(id)?.task,
        isBinary: (id) => contract.model(id)?.facts.response.envelope === false,
        settings: { pacts: resolve(values.pacts), ...(faults.length ? { faults } : {}) },
        reproduce: `wai-conformance pact verify ${flags.join(' ')}`,
      });
      const written = writeReports(report, values['report-dir'], ['json'], env as NodeJS.ProcessEnv);
      io.err(`wrote ${written.join(', ')}\n`);
    }
    return outcome.failed > 0 ? EXIT.nonConformant : EXIT.ok;
  } finally {
    await target.close();
  }
}

async function checkCommand(argv: string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, strict: true, options: { json: { type: 'boolean' }, spec: { type: 'string' } } });
  if (positionals.length !== 1) throw new UsageError(positionals.length ? `expected one pact FILE, got ${positionals.length}` : 'expected a pact FILE');
  const file = positionals[0]!;
  let document: unknown;
  try {
    document = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code ?? (error as Error).message;
    io.err(`wai-conformance pact check: cannot read ${file} as JSON: ${reason}\n`);
    return EXIT.usage;
  }
  const contract = loadContract(values.spec);
  let result;
  try {
    result = checkPact(document, contract);
  } catch (error) {
    if (error instanceof InvalidPactError) {
      io.err(`wai-conformance pact check: ${file}: ${error.message}\n`);
      return EXIT.usage;
    }
    throw error;
  }
  if (values.json) io.out(`${JSON.stringify(result, null, 2)}\n`);
  else for (const finding of result.findings) io.out(`${formatFinding(finding)}\n`);
  const skipped = result.skipped.length ? `, ${result.skipped.length} skipped (not Workers AI HTTP interactions)` : '';
  const count = result.findings.length;
  io.err(`pact check: ${count === 0 ? 'no findings' : `${count} finding${count === 1 ? '' : 's'}`} in ${result.checked} interaction${result.checked === 1 ? '' : 's'} of ${result.consumer} → ${result.provider}${skipped}\n`);
  return count > 0 ? EXIT.nonConformant : EXIT.ok;
}
