/** @module The public API of workers-ai-conformance: what users import to drive the stages themselves. */

/** The contract: load spec/, look up models and their facts, validate documents. */
export { loadContract, modelFileName } from './contract/load.js';
export { Contract, type SchemaPart } from './contract/contract.js';
export { ContractError } from './contract/errors.js';
export { formatSchemaError } from './contract/schema-errors.js';
export { TASK_IDS, type TaskId, type ModelEntry, type ModelFacts, type TaskEntry, type SchemaError, type JsonSchema } from './contract/types.js';
/** How strongly the real API is known to enforce each kind of input rule (spec/enforcement.yaml), and the severity that follows. */
export { enforcementOf, severityOfClass, Enforcement, ENFORCEMENT_CLASSES, type EnforcementClass, type EnforcementVerdict, type Severity } from './contract/enforcement.js';

/** Generators: valid and invalid requests from a model's contract (fast-check arbitraries). */
export { validRequests, invalidRequests, type GeneratedRequest, type InvalidRequest } from './generate/requests.js';
export { arbitraryFromSchema } from './generate/arbitrary-from-schema.js';
export { exampleFromSchema } from './generate/example-from-schema.js';

/** Targets: the emulator, live, gateway or any URL, on undici with budget, retries and redaction. */
export { createTarget, ConfigurationError, Budget, type CreateTargetOptions } from './targets/index.js';
export type { Target, Exchange, RequestSpec, Operation, TargetKind } from './targets/types.js';

/** The check catalogue: pure functions from exchanges to findings. */
export { CHECKS, CHECK_IDS, runChecks, runMultiChecks, evaluateChecks, evaluateMultiChecks, isCheckId, severityOf } from './checks/index.js';
export type { CheckId, Finding, CheckContext, Expectation } from './checks/types.js';

/** The embedded emulator and its faults. */
export { startEmulator, FAULTS, faultAppliesTo } from './emulator/index.js';
export type { EmulatorOptions, RunningEmulator } from './emulator/index.js';

/** `env.AI` without Cloudflare: the binding in plain Node (`createAi`), and Miniflare's `ai` option for the emulator. */
export { createAi, InferenceUpstreamError, AiInternalError, AiGatewayLogNotFound, type CreateAiOptions } from './targets/create-ai.js';
export { miniflareAiOptions, startBindingEmulator } from './emulator/binding-miniflare.js';

/** Runs without vitest, and the report model every reporter renders. */
export { runConformance, openSession, buildReport } from './harness/session.js';
export { planRun, selectModels } from './harness/plan.js';
export { mergeReports } from './harness/merge.js';
export { DEFAULT_OPTIONS, type RunOptions } from './harness/options.js';
export type { ConformanceReport, ResultRecord, FailureRecord } from './harness/report.js';

/** Reporters: pure renderers of a ConformanceReport, the comparison of several, and the report's schema. */
export { renderJson } from '../reporters/json.js';
export { renderJunit } from '../reporters/junit.js';
export { renderMarkdown } from '../reporters/markdown.js';
export { renderHtml } from '../reporters/html.js';
export { writeReports } from '../reporters/write-reports.js';
export { compareReports, renderComparisonMarkdown, renderComparisonHtml, renderComparisonJson } from '../reporters/compare.js';
export { validateReport } from '../reporters/report-schema.js';

/** Breaking-change diff between two contract versions. */
export { diffContracts } from './diff/diff-contracts.js';

/** Captured documents (a body, an SSE transcript, a binding output, an error) and corpora of them, judged by the contract. */
export { judgeCaptured, CapturedDocumentError, CAPTURED_PARTS, type CapturedDocument, type CapturedPart } from './validate/captured.js';
export { judgeCorpus, formatCorpusReport, corpusAgrees, CorpusError, type CorpusReport, type ManifestEntry, type Disagreement } from './validate/corpus.js';

/** Cassettes: HAR 1.2 files of recorded traffic, judged again offline, served back by the emulator (`replay` option). */
export { readHar, parseHar, writeHar, mergeCassettes, CassetteError } from './cassettes/cassette-file.js';
export { judgeHars, type JudgeInput } from './cassettes/judge.js';
export { ReplayStore, type ReplayOptions, type ReplayMode } from './cassettes/replay.js';
export { DEFAULT_VOLATILE_FIELDS } from './cassettes/match.js';
export type { Har, HarEntry, WaiEntryExtension, WaiLogExtension, WaiExecution } from './cassettes/har-types.js';
