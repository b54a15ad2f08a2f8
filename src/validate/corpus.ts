/**
 * @module A corpus of captured documents (a folder with `manifest.yaml` and `disagreements.yaml`) judged by the
 * contract: every document accepted, or listed as a known disagreement with its reason and evidence. A listed
 * document the contract now accepts is a stale entry, so correcting the contract forces the list to shrink.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { Contract } from '../contract/contract.js';
import { TASK_IDS, type TaskId } from '../contract/types.js';
import type { OpenAiEndpoint } from '../targets/types.js';
import { CapturedDocumentError, DOCUMENT_FORMATS, judgeCaptured, OPENAI_ENDPOINTS, type CapturedPart, type DocumentFormat } from './captured.js';

/** The parts a manifest names, and the `validate --part` each is judged as. */
export const MANIFEST_PARTS = {
  envelope: 'response',
  output: 'output',
  binding: 'binding',
  'run-stream': 'stream',
  'v1-body': 'response',
  'v1-stream': 'stream',
  error: 'error',
} as const satisfies Record<string, CapturedPart>;
export type ManifestPart = keyof typeof MANIFEST_PARTS;

export const SOURCE_KINDS = ['notebook', 'docs', 'issue', 'article', 'repository'] as const;
export const CONFIDENCES = ['recorded-live', 'docs-shown', 'pasted', 'doubtful'] as const;

/** One document of the manifest. */
export interface ManifestEntry {
  file: string;
  /** A URL, or a repository with path and commit. */
  source: Record<string, unknown>;
  date?: string;
  captured: string;
  task: string | null;
  model: string | null;
  part: ManifestPart;
  endpoint?: OpenAiEndpoint;
  format: DocumentFormat;
  content_type?: string;
  status?: number;
  source_kind: (typeof SOURCE_KINDS)[number];
  confidence: (typeof CONFIDENCES)[number];
  truncated?: boolean;
  note?: string;
}

/** A document the contract is known to reject, with why and the evidence. */
export interface Disagreement {
  file: string;
  reason: string;
  evidence: string;
  /** Who is to settle it (a contract correction, a doubtful source, ...). */
  owner?: string;
}

/** A corpus folder that cannot be read: a usage error, never a verdict. */
export class CorpusError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CorpusError';
  }
}

export interface DocumentResult {
  entry: ManifestEntry;
  accepted: boolean;
  problems: string[];
  disagreement?: Disagreement;
}

/** Accepted and total documents of one group. */
export interface Tally {
  accepted: number;
  total: number;
}

export interface CorpusReport {
  dir: string;
  results: DocumentResult[];
  /** Rejected and not listed in disagreements.yaml. */
  unexpected: DocumentResult[];
  /** Listed in disagreements.yaml, yet accepted. */
  stale: Disagreement[];
  /** Listed in disagreements.yaml for a file the manifest does not have. */
  orphans: Disagreement[];
  byTask: Map<string, Tally>;
  bySourceKind: Map<string, Tally>;
  byPart: Map<string, Tally>;
}

function readYaml(path: string): unknown {
  try {
    return parseYaml(readFileSync(path, 'utf8'));
  } catch (cause) {
    throw new CorpusError(`cannot read ${path}: ${(cause as NodeJS.ErrnoException).code ?? (cause as Error).message}`);
  }
}

function oneOf<T extends string>(where: string, field: string, value: unknown, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !allowed.includes(value as T)) throw new CorpusError(`${where}: ${field} must be one of ${allowed.join(', ')}, not ${JSON.stringify(value)}`);
  return value as T;
}

function requiredString(where: string, field: string, value: unknown): string {
  if (typeof value !== 'string' || value.trim() === '') throw new CorpusError(`${where}: ${field} is required (a non-empty string)`);
  return value;
}

/** Reads and checks manifest.yaml: every field the provenance needs is there and means something. */
export function readManifest(dir: string): ManifestEntry[] {
  const path = join(dir, 'manifest.yaml');
  if (!existsSync(path)) throw new CorpusError(`${dir} has no manifest.yaml`);
  const doc = readYaml(path) as { documents?: unknown } | null;
  if (!doc || !Array.isArray(doc.documents)) throw new CorpusError(`${path}: expected a "documents" list`);
  const seen = new Set<string>();
  return doc.documents.map((raw: unknown, i) => {
    const where = `${path} documents[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new CorpusError(`${where}: expected a mapping`);
    const e = raw as Record<string, unknown>;
    const file = requiredString(where, 'file', e.file);
    if (seen.has(file)) throw new CorpusError(`${where}: ${file} is listed twice`);
    seen.add(file);
    if (typeof e.source !== 'object' || e.source === null || (typeof (e.source as { url?: unknown }).url !== 'string' && typeof (e.source as { repo?: unknown }).repo !== 'string')) {
      throw new CorpusError(`${where} (${file}): source needs a url, or a repo with path and commit`);
    }
    const part = oneOf(`${where} (${file})`, 'part', e.part, Object.keys(MANIFEST_PARTS) as ManifestPart[]);
    const endpoint = e.endpoint === undefined ? undefined : oneOf(`${where} (${file})`, 'endpoint', e.endpoint, OPENAI_ENDPOINTS);
    if ((part === 'v1-body' || part === 'v1-stream') && !endpoint) throw new CorpusError(`${where} (${file}): a ${part} needs its endpoint`);
    if (e.model !== null && typeof e.model !== 'string') throw new CorpusError(`${where} (${file}): model must be a model id or null (unknown)`);
    if (e.task !== null && !TASK_IDS.includes(e.task as TaskId)) throw new CorpusError(`${where} (${file}): task must be one of ${TASK_IDS.join(', ')} or null (unknown), not ${JSON.stringify(e.task)}`);
    if (!existsSync(join(dir, file))) throw new CorpusError(`${where}: ${file} does not exist`);
    return {
      ...(e as object),
      file,
      source: e.source as Record<string, unknown>,
      captured: requiredString(where, 'captured', e.captured),
      task: e.task as string | null,
      model: e.model as string | null,
      part,
      ...(endpoint ? { endpoint } : {}),
      format: oneOf(`${where} (${file})`, 'format', e.format, DOCUMENT_FORMATS),
      source_kind: oneOf(`${where} (${file})`, 'source_kind', e.source_kind, SOURCE_KINDS),
      confidence: oneOf(`${where} (${file})`, 'confidence', e.confidence, CONFIDENCES),
    } as ManifestEntry;
  });
}

/** Reads disagreements.yaml (absent: none), each with its file, reason and evidence. */
export function readDisagreements(dir: string): Disagreement[] {
  const path = join(dir, 'disagreements.yaml');
  if (!existsSync(path)) return [];
  const doc = readYaml(path) as { disagreements?: unknown } | null;
  if (!doc || doc.disagreements === null || doc.disagreements === undefined) return [];
  if (!Array.isArray(doc.disagreements)) throw new CorpusError(`${path}: expected a "disagreements" list`);
  const seen = new Set<string>();
  return doc.disagreements.map((raw: unknown, i) => {
    const where = `${path} disagreements[${i}]`;
    if (typeof raw !== 'object' || raw === null) throw new CorpusError(`${where}: expected a mapping`);
    const d = raw as Record<string, unknown>;
    const file = requiredString(where, 'file', d.file);
    if (seen.has(file)) throw new CorpusError(`${where}: ${file} is listed twice`);
    seen.add(file);
    return {
      file,
      reason: requiredString(`${where} (${file})`, 'reason', d.reason),
      evidence: requiredString(`${where} (${file})`, 'evidence', d.evidence),
      ...(typeof d.owner === 'string' ? { owner: d.owner } : {}),
    };
  });
}

/** Judges one manifest entry; an unreadable document or an unknown model is a rejection with its reason. */
export function judgeEntry(contract: Contract, dir: string, entry: ManifestEntry): string[] {
  const model = entry.model === null ? undefined : contract.model(entry.model);
  // A partner model of the unified catalogue (POST /ai/run with {model, input}) is judged by its own forms.
  const partner = entry.model !== null && !model && !entry.endpoint ? contract.partnerModel(entry.model) : undefined;
  if (entry.model !== null && !model && !partner && !entry.endpoint) return [`model: ${entry.model} is not in the contract's catalogue`];
  try {
    return judgeCaptured(contract, {
      part: MANIFEST_PARTS[entry.part],
      bytes: readFileSync(join(dir, entry.file)),
      format: entry.format,
      ...(model ? { model } : {}),
      ...(partner ? { partner } : {}),
      ...(entry.endpoint ? { endpoint: entry.endpoint } : {}),
      ...(entry.content_type ? { contentType: entry.content_type } : {}),
      ...(entry.status !== undefined ? { status: entry.status } : {}),
    });
  } catch (cause) {
    // One line per problem: parser messages quote the document across lines.
    if (cause instanceof CapturedDocumentError) return [cause.message.replace(/\s*\n\s*/g, ' ')];
    throw cause;
  }
}

function count(map: Map<string, Tally>, key: string, accepted: boolean): void {
  const tally = map.get(key) ?? { accepted: 0, total: 0 };
  tally.total++;
  if (accepted) tally.accepted++;
  map.set(key, tally);
}

/** Judges every document of a corpus folder against the contract. */
export function judgeCorpus(contract: Contract, dir: string): CorpusReport {
  const root = resolve(dir);
  const entries = readManifest(root);
  const disagreements = new Map(readDisagreements(root).map((d) => [d.file, d]));
  const report: CorpusReport = { dir, results: [], unexpected: [], stale: [], orphans: [], byTask: new Map(), bySourceKind: new Map(), byPart: new Map() };
  for (const entry of entries) {
    const model = entry.model === null ? undefined : contract.model(entry.model);
    // A task that contradicts the catalogue is a slip in the manifest, and would skew the per-task figures.
    if (model && entry.task !== model.task) throw new CorpusError(`${join(root, 'manifest.yaml')} (${entry.file}): task ${entry.task} contradicts the catalogue, which files ${model.id} under ${model.task}`);
    const problems = judgeEntry(contract, root, entry);
    const disagreement = disagreements.get(entry.file);
    const result: DocumentResult = { entry, accepted: problems.length === 0, problems, ...(disagreement ? { disagreement } : {}) };
    report.results.push(result);
    if (!result.accepted && !disagreement) report.unexpected.push(result);
    if (result.accepted && disagreement) report.stale.push(disagreement);
    count(report.byTask, entry.task ?? 'unknown', result.accepted);
    count(report.bySourceKind, entry.source_kind, result.accepted);
    count(report.byPart, entry.part, result.accepted);
  }
  const files = new Set(entries.map((e) => e.file));
  report.orphans = [...disagreements.values()].filter((d) => !files.has(d.file));
  return report;
}

/** True when the corpus agrees with the contract: every rejection known, no stale or orphan entry. */
export function corpusAgrees(report: CorpusReport): boolean {
  return report.unexpected.length === 0 && report.stale.length === 0 && report.orphans.length === 0;
}

function tallyLines(title: string, map: Map<string, Tally>): string[] {
  const keys = [...map.keys()].sort();
  const width = Math.max(...keys.map((k) => k.length), 0);
  return [title, ...keys.map((k) => `  ${k.padEnd(width)}  ${map.get(k)!.accepted}/${map.get(k)!.total}`)];
}

/** The report as people read it: figures, then every known disagreement, then what needs attention. */
export function formatCorpusReport(report: CorpusReport): string {
  const accepted = report.results.filter((r) => r.accepted).length;
  const known = report.results.filter((r) => !r.accepted && r.disagreement);
  const lines = [
    `corpus ${report.dir}: ${accepted}/${report.results.length} documents accepted, ${known.length} known disagreement${known.length === 1 ? '' : 's'}, ${report.unexpected.length} new rejection${report.unexpected.length === 1 ? '' : 's'}, ${report.stale.length} stale`,
    ...tallyLines('by task:', report.byTask),
    ...tallyLines('by source kind:', report.bySourceKind),
    ...tallyLines('by part:', report.byPart),
    `known disagreements (${known.length}):`,
    ...known.map((r) => `  ${r.entry.file}${r.disagreement!.owner ? ` [${r.disagreement!.owner}]` : ''}: ${r.disagreement!.reason}\n    first finding: ${r.problems[0]}`),
  ];
  if (report.unexpected.length) {
    lines.push(`new rejections (${report.unexpected.length}): fix the contract, or list them in disagreements.yaml with reason and evidence`);
    for (const r of report.unexpected) lines.push(`  ${r.entry.file} (${r.entry.part} of ${r.entry.model ?? 'an unknown model'}):`, ...r.problems.slice(0, 5).map((p) => `    ${p}`));
  }
  if (report.stale.length) {
    lines.push(`stale disagreements (${report.stale.length}): the contract now accepts them, delete their entries from disagreements.yaml`);
    for (const d of report.stale) lines.push(`  ${d.file}: ${d.reason}`);
  }
  if (report.orphans.length) {
    lines.push(`disagreements for files the manifest does not list (${report.orphans.length}):`);
    for (const d of report.orphans) lines.push(`  ${d.file}`);
  }
  return `${lines.join('\n')}\n`;
}
