/** @module reports/junit.xml: one testcase per result (model × check × endpoint), one testsuite per task. */
import type { ConformanceReport, ResultRecord } from '../src/harness/report.js';
import { escapeXml, escapeXmlAttribute } from './_internals/escape.js';
import { failureText } from './_internals/failure-text.js';
import { rowLabel } from './_internals/matrix.js';

type Attributes = Record<string, string | number | undefined>;

function attributes(values: Attributes): string {
  return Object.entries(values)
    .filter((entry): entry is [string, string | number] => entry[1] !== undefined)
    .map(([name, value]) => ` ${name}="${escapeXmlAttribute(String(value))}"`)
    .join('');
}

const seconds = (ms: number) => (ms / 1000).toFixed(3);

/** Time a result's exchanges took, end to end: what CI tools show as the testcase's duration. */
function resultMs(result: ResultRecord): number {
  return result.latency?.totalMs.reduce((sum, ms) => sum + ms, 0) ?? 0;
}

/** The testcase name: the check, and the endpoint when a model has several results for it. */
function testcaseName(result: ResultRecord): string {
  return `${result.check} (${result.endpoint})`;
}

/** The `message` attribute: first line of the first failure, and how many more there are. */
function failureMessage(result: ResultRecord): string {
  const [first, ...rest] = result.failures;
  const message = first?.message.split('\n')[0] ?? 'failed';
  return rest.length ? `${message} (and ${rest.length} more)` : message;
}

function testcase(result: ResultRecord): string {
  const open = `    <testcase${attributes({ name: testcaseName(result), classname: rowLabel(result), time: seconds(resultMs(result)) })}`;
  if (result.status === 'passed') return `${open}/>`;
  if (result.status === 'skipped') return `${open}>\n      <skipped${attributes({ message: `${result.check} does not apply to ${rowLabel(result)} (${result.endpoint})` })}/>\n    </testcase>`;
  const text = result.failures.length
    ? result.failures.map((f, i) => `=== failure ${i + 1} of ${result.failures.length} ===\n${failureText(f)}`).join('\n\n')
    : 'failed without a recorded failure';
  return `${open}>\n      <failure${attributes({ message: failureMessage(result), type: result.check })}>${escapeXml(text)}</failure>\n    </testcase>`;
}

function properties(report: ConformanceReport): string {
  const entries: [string, string][] = [
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['target.kind', report.target.kind],
    ['target.baseUrl', report.target.baseUrl],
    ['seed', String(report.seed)],
    ['complete', String(report.complete)],
    ['requests', String(report.summary.requests)],
    ...Object.entries(report.settings).map(([name, value]): [string, string] => [`settings.${name}`, typeof value === 'string' ? value : JSON.stringify(value) ?? '']),
  ];
  return `    <properties>\n${entries.map(([name, value]) => `      <property${attributes({ name, value })}/>`).join('\n')}\n    </properties>`;
}

/** A testsuite that fails CI when the run did not finish: results that are missing cannot pass. */
function incompleteSuite(report: ConformanceReport): string {
  const reason = report.incompleteReason ?? 'the run did not complete';
  return [
    `  <testsuite${attributes({ name: 'run', tests: 1, failures: 0, errors: 1, skipped: 0, time: '0.000', timestamp: report.startedAt })}>`,
    `    <testcase${attributes({ name: 'complete', classname: 'run' })}>`,
    `      <error${attributes({ message: `incomplete run: ${reason}`, type: 'incomplete' })}>${escapeXml(`The run stopped before every planned check finished: ${reason}\nThe results cover what finished.`)}</error>`,
    '    </testcase>',
    '  </testsuite>',
  ].join('\n');
}

/**
 * Renders the report as JUnit XML (the Jenkins / Surefire dialect GitHub, GitLab and CI tools
 * read). Each failure's text holds the message, the request and response, and the command that
 * reproduces it. An incomplete run adds a `run` testsuite with one error.
 */
export function renderJunit(report: ConformanceReport): string {
  const byTask = new Map<string, ResultRecord[]>();
  for (const result of report.results) {
    if (!byTask.has(result.task)) byTask.set(result.task, []);
    byTask.get(result.task)!.push(result);
  }
  const suites = [...byTask].map(([task, results]) => {
    const count = (status: ResultRecord['status']) => results.filter((r) => r.status === status).length;
    const time = results.reduce((sum, r) => sum + resultMs(r), 0);
    return [
      `  <testsuite${attributes({ name: task, tests: results.length, failures: count('failed'), errors: 0, skipped: count('skipped'), time: seconds(time), timestamp: report.startedAt })}>`,
      properties(report),
      ...results.map(testcase),
      '  </testsuite>',
    ].join('\n');
  });
  if (!report.complete) suites.push(incompleteSuite(report));
  const { summary } = report;
  const root = attributes({
    name: `${report.tool.name} (${report.target.kind} ${report.target.baseUrl})`,
    tests: summary.checks + (report.complete ? 0 : 1),
    failures: summary.failed,
    errors: report.complete ? 0 : 1,
    skipped: summary.skipped,
    time: seconds(report.durationMs),
    timestamp: report.startedAt,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n${suites.join('\n')}\n</testsuites>\n`;
}
