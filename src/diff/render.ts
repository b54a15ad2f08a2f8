/**
 * @module A DiffReport as text (terminals, CI logs), JSON (tools) or Markdown (pull-request comments).
 * Text and Markdown fold a change repeated across models (a task constraint shared by 40 models)
 * into one entry naming the models; JSON lists every change.
 */
import { atLeast, maxLevel } from './classify.js';
import type { Audience, DiffEntry, DiffReport, Level } from './types.js';
import { AUDIENCES } from './types.js';

export const FORMATS = ['text', 'json', 'markdown'] as const;
export type Format = (typeof FORMATS)[number];
/** Which audience's levels decide (both: the more severe of the two). */
export type AudienceChoice = Audience | 'both';

export interface RenderOptions {
  audience: AudienceChoice;
  failOn: Level;
}

const SECTION_ORDER: readonly Level[] = ['breaking', 'warning', 'info'];
const MODELS_SHOWN = 6;

/** The level that decides for the chosen audience. */
export function levelFor(entry: DiffEntry, audience: AudienceChoice): Level {
  return audience === 'both' ? maxLevel(entry.levels.client, entry.levels.mock) : entry.levels[audience];
}

/** True when some change is at or above `failOn` for the chosen audience. */
export function fails(report: DiffReport, options: RenderOptions): boolean {
  return report.changes.some((c) => atLeast(levelFor(c, options.audience), options.failOn));
}

/** Where a change is, without the model: `input#/properties/x`, `facts#/streams`, `openapi.yaml#/paths/...`. */
export function location(entry: DiffEntry): string {
  if (entry.scope === 'openapi') return `openapi.yaml#${entry.pointer}`;
  if (entry.scope === 'contract') return 'contract';
  if (entry.part) return `${entry.part}#${entry.pointer}`;
  return entry.pointer ? `#${entry.pointer}` : '';
}

/** Who a change concerns: a model, a task, or nobody in particular. */
function subject(entry: DiffEntry): string | undefined {
  if (entry.scope === 'model') return entry.model;
  if (entry.scope === 'task') return `task ${entry.task}`;
  return undefined;
}

interface Group {
  level: Level;
  entry: DiffEntry;
  subjects: string[];
}

/** Changes grouped by what they are (kind, place, message, levels), each group with the models it concerns. */
function groups(report: DiffReport, audience: AudienceChoice): Group[] {
  const byKey = new Map<string, Group>();
  for (const entry of report.changes) {
    const key = JSON.stringify([entry.kind, entry.scope, entry.part, entry.pointer, entry.message, entry.levels]);
    const group = byKey.get(key) ?? { level: levelFor(entry, audience), entry, subjects: [] };
    const who = subject(entry);
    if (who !== undefined) group.subjects.push(who);
    byKey.set(key, group);
  }
  return [...byKey.values()];
}

/** "3 models: a, b, c" (or "models and tasks"), the list cut after MODELS_SHOWN. */
function subjectsText(subjects: string[], quote: (s: string) => string = (s) => s): string {
  const noun = subjects.every((s) => !s.startsWith('task ')) ? 'models' : subjects.every((s) => s.startsWith('task ')) ? 'tasks' : 'models and tasks';
  const shown = subjects.slice(0, MODELS_SHOWN).map(quote).join(', ');
  const rest = subjects.length - MODELS_SHOWN;
  return `${subjects.length} ${noun}: ${shown}${rest > 0 ? ` and ${rest} more` : ''}`;
}

function countsLine(report: DiffReport, audience: Audience): string {
  const s = report.summary[audience];
  return `${audience}: ${s.breaking} breaking, ${s.warning} warning${s.warning === 1 ? '' : 's'}, ${s.info} info`;
}

function audiences(choice: AudienceChoice): readonly Audience[] {
  return choice === 'both' ? AUDIENCES : [choice];
}

function sectionTitle(level: Level, choice: AudienceChoice): string {
  const whom = choice === 'both' ? 'clients or mocks' : `${choice}s`;
  return level === 'breaking' ? `Breaking for ${whom}` : level === 'warning' ? `Warnings for ${whom}` : 'Info';
}

function header(report: DiffReport): string {
  return `Contract diff: ${report.old.label} → ${report.new.label}`;
}

export function renderText(report: DiffReport, options: RenderOptions): string {
  const lines = [header(report)];
  if (report.changes.length === 0) return `${lines[0]}\nno changes\n`;
  for (const audience of audiences(options.audience)) lines.push(countsLine(report, audience));
  const all = groups(report, options.audience);
  for (const level of SECTION_ORDER) {
    const section = all.filter((g) => g.level === level);
    if (section.length === 0) continue;
    const count = section.reduce((n, g) => n + Math.max(1, g.subjects.length), 0);
    lines.push('', `${sectionTitle(level, options.audience)} (${count === section.length ? count : `${count} changes, ${section.length} distinct`}):`);
    for (const { entry, subjects } of section) {
      const levels = options.audience === 'both' ? ` [client: ${entry.levels.client}, mock: ${entry.levels.mock}]` : '';
      const who = subjects.length === 1 ? subjects[0] : undefined;
      lines.push(`  ${[who, location(entry)].filter(Boolean).join(' ')}: ${entry.message}${levels}`);
      if (subjects.length > 1) lines.push(`      ${subjectsText(subjects)}`);
    }
  }
  lines.push('', fails(report, options) ? `result: changes at or above "${options.failOn}" for ${options.audience === 'both' ? 'clients or mocks' : `${options.audience}s`}` : `result: nothing at or above "${options.failOn}" for ${options.audience === 'both' ? 'clients or mocks' : `${options.audience}s`}`);
  return `${lines.join('\n')}\n`;
}

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const code = (text: string) => (text ? `\`${text.replace(/`/g, "'")}\`` : '');

export function renderMarkdown(report: DiffReport, options: RenderOptions): string {
  const out = [`## ${cell(header(report))}`, ''];
  if (report.changes.length === 0) return `${out.join('\n')}No changes.\n`;
  out.push('| audience | breaking | warning | info |', '|---|---:|---:|---:|');
  for (const audience of AUDIENCES) {
    const s = report.summary[audience];
    out.push(`| ${audience} | ${s.breaking} | ${s.warning} | ${s.info} |`);
  }
  const all = groups(report, options.audience);
  for (const level of SECTION_ORDER) {
    const section = all.filter((g) => g.level === level);
    if (section.length === 0) continue;
    const title = `${sectionTitle(level, options.audience)} (${section.length})`;
    out.push('');
    if (level === 'info') out.push(`<details><summary>${title}</summary>`, '');
    else out.push(`### ${title}`, '');
    out.push('| where | change | client | mock |', '|---|---|---|---|');
    for (const { entry, subjects } of section) {
      const where = subjects.length > 1 ? `${code(location(entry))} (${subjectsText(subjects, code)})` : [code(subjects[0] ?? ''), code(location(entry))].filter(Boolean).join(' ');
      out.push(`| ${cell(where)} | ${cell(entry.message)} | ${entry.levels.client} | ${entry.levels.mock} |`);
    }
    if (level === 'info') out.push('', '</details>');
  }
  return `${out.join('\n')}\n`;
}

export function renderJson(report: DiffReport, options: RenderOptions): string {
  return `${JSON.stringify({ ...report, audience: options.audience, failOn: options.failOn, failed: fails(report, options) }, null, 2)}\n`;
}

export function render(report: DiffReport, format: Format, options: RenderOptions): string {
  return format === 'json' ? renderJson(report, options) : format === 'markdown' ? renderMarkdown(report, options) : renderText(report, options);
}
