import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadCommands } from '../../../src/cli/main.js';

const COMMANDS = await loadCommands();
import { parseRunOptions } from '../../../src/cli/commands/run.js';
import { packageRoot } from '../../../src/contract/files.js';

const FILE = join(packageRoot(), 'examples', 'github-actions', 'conformance.yml');

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Job {
  if?: string;
  needs?: string | string[];
  env?: Record<string, string>;
  strategy?: { matrix?: Record<string, unknown[]> };
  steps: Step[];
}
interface Workflow {
  on: { schedule?: { cron: string }[]; pull_request?: { paths?: string[] }; workflow_dispatch?: unknown };
  jobs: Record<string, Job>;
}

const workflow = parse(readFileSync(FILE, 'utf8')) as Workflow;

/** Values that stand in for `${{ ... }}` expressions when a command line is parsed. */
const EXPRESSIONS: Record<string, string> = { 'matrix.shard': '2', 'github.base_ref': 'main', 'github.run_number': '7' };

/** One `wai-conformance ...` invocation found in a step. */
interface Invocation {
  job: string;
  step: string;
  /** Words after `wai-conformance`, expressions substituted. */
  args: string[];
  line: string;
}

/** Every `wai-conformance` command line of the workflow, split into words as a shell would (for these simple lines). */
function invocations(): Invocation[] {
  const found: Invocation[] = [];
  for (const [jobName, job] of Object.entries(workflow.jobs)) {
    for (const step of job.steps) {
      if (!step.run) continue;
      const script = step.run.replace(/\\\n/g, ' ');
      for (const command of script.split(/\n|&&|\|\||;|\|/)) {
        const at = command.indexOf('wai-conformance ');
        if (at < 0) continue;
        const line = command.trim();
        const substituted = command.slice(at + 'wai-conformance '.length).replace(/\$\{\{\s*([^}]+?)\s*\}\}/g, (_, expression: string) => EXPRESSIONS[expression] ?? 'X');
        const args = substituted.trim().split(/\s+/).map((word) => word.replace(/^["']|["']$/g, ''));
        found.push({ job: jobName, step: step.name ?? line, args, line });
      }
    }
  }
  return found;
}

function flagsOf(args: readonly string[]): string[] {
  return args.filter((a) => a.startsWith('--')).map((a) => a.split('=')[0]!);
}

function mentions(usage: string, word: string): boolean {
  const escaped = word.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return new RegExp(`(^|[\\s\\[|,])${escaped}(?![\\w-])`, 'm').test(usage);
}

const jobRunning = (pattern: RegExp): [string, Job] | undefined =>
  Object.entries(workflow.jobs).find(([, job]) => job.steps.some((s) => s.run !== undefined && pattern.test(s.run)));

describe('examples/github-actions/conformance.yml', () => {
  it('runs on a schedule, on demand, and on pull requests that touch spec/', () => {
    expect(workflow.on.schedule?.[0]?.cron).toMatch(/^\S+ \S+ \S+ \S+ \S+$/);
    expect(workflow.on).toHaveProperty('workflow_dispatch');
    expect(workflow.on.pull_request?.paths).toEqual(['spec/**']);
  });

  it('has a scheduled live run with a budget, three reporters, secrets from the environment and the reports uploaded', () => {
    const [name, job] = jobRunning(/wai-conformance run --target live/)!;
    expect(job.if).toContain("github.event_name == 'schedule'");
    const run = job.steps.find((s) => s.run?.includes('wai-conformance run'))!.run!;
    expect(run).toMatch(/--max-requests \d+/);
    expect(run).toContain('--reporters json,junit,markdown');
    expect(job.env).toEqual({ CLOUDFLARE_API_TOKEN: '${{ secrets.CLOUDFLARE_API_TOKEN }}', CLOUDFLARE_ACCOUNT_ID: '${{ secrets.CLOUDFLARE_ACCOUNT_ID }}' });
    const upload = job.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'));
    expect(upload, name).toMatchObject({ if: 'always()', with: { path: 'reports/' } });
  });

  it('shards a run over a matrix of three, then merges the shard reports and compares the shards in a job that needs them', () => {
    const [shardName, shard] = jobRunning(/--shard/)!;
    expect(shard.strategy?.matrix?.shard).toEqual([1, 2, 3]);
    const run = shard.steps.find((s) => s.run?.includes('--shard'))!.run!;
    expect(run).toContain('--shard ${{ matrix.shard }}/3');
    expect(run).toContain('--report-dir reports/shard-${{ matrix.shard }}');
    expect(run).toContain('--reporters json');
    expect(shard.steps.find((s) => s.uses?.startsWith('actions/upload-artifact@'))?.with).toMatchObject({ name: 'shard-${{ matrix.shard }}' });

    const [, merge] = jobRunning(/wai-conformance run --merge-reports/)!;
    expect([merge.needs].flat()).toContain(shardName);
    expect(merge.if).toContain('always()');
    const download = merge.steps.find((s) => s.uses?.startsWith('actions/download-artifact@'));
    expect(download?.with).toMatchObject({ pattern: 'shard-*', path: 'reports' });
    const mergeStep = merge.steps.find((s) => s.run?.includes('--merge-reports'))!.run!;
    expect(mergeStep).toContain("$(printf '%s,' reports/shard-*/conformance.json)");
    expect(mergeStep).toContain('--report-dir reports/merged');
    expect(merge.steps.find((s) => s.run?.includes('compare'))!.run).toContain('wai-conformance compare reports/shard-*/conformance.json');
  });

  it('gates pull requests on breaking contract changes against the base branch', () => {
    const [, job] = jobRunning(/wai-conformance diff/)!;
    expect(job.if).toBe("github.event_name == 'pull_request'");
    expect(job.steps.find((s) => s.uses?.startsWith('actions/checkout@'))?.with).toMatchObject({ 'fetch-depth': 0 });
    expect(job.steps.find((s) => s.run?.includes('wai-conformance diff'))!.run).toContain('wai-conformance diff git:origin/${{ github.base_ref }} spec');
  });

  it('checks the live catalogue against the pinned one on the schedule', () => {
    const [, job] = jobRunning(/wai-conformance spec sync --check/)!;
    expect(job.if).toContain("github.event_name == 'schedule'");
    expect(job.env?.CLOUDFLARE_API_TOKEN).toBe('${{ secrets.CLOUDFLARE_API_TOKEN }}');
  });

  it('never puts a credential on a command line, and pins every action to a major version', () => {
    for (const { line } of invocations()) expect(line).not.toMatch(/secrets\.|--token|api[_-]?key/i);
    for (const job of Object.values(workflow.jobs)) for (const step of job.steps) if (step.uses) expect(step.uses).toMatch(/^[\w-]+\/[\w-]+@v\d+$/);
  });

  describe('every wai-conformance command it calls exists, with the flags it uses', () => {
    const known = Object.keys(COMMANDS);
    it('(the flag check itself tells mentioned flags from others)', () => {
      expect(mentions(COMMANDS.run!.usage, '--shard')).toBe(true);
      expect(mentions(COMMANDS.run!.usage, '--shar')).toBe(false);
      expect(mentions(COMMANDS.run!.usage, '--no-such-flag')).toBe(false);
    });
    for (const invocation of invocations()) {
      const [command = '', ...rest] = invocation.args;
      it(`${invocation.job}: wai-conformance ${invocation.args.join(' ')}`, () => {
        expect(known, `\`wai-conformance ${command}\` is not a command of src/cli/main.ts`).toContain(command);
        const usage = COMMANDS[command]!.usage;
        if (command === 'spec') expect(mentions(usage, `spec ${rest[0]}`), `spec usage names the subcommand ${rest[0]}`).toBe(true);
        for (const flag of flagsOf(rest)) expect(mentions(usage, flag), `${command} usage mentions ${flag}`).toBe(true);
        // run's own parser accepts the line as written (values included: reporters, shard, budget).
        if (command === 'run') expect(() => parseRunOptions(rest)).not.toThrow();
      });
    }
  });
});
