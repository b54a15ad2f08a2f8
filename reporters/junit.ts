/** @module reports/junit.xml: one testcase per result (model × check × endpoint), one testsuite per task. */
import { isWarning, type ConformanceReport, type ResultRecord } from '../src/harness/report.js';
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

/**
 * A warning (a rule without enforcement evidence) fails CI only under --strict. JUnit has no warning
 * state, so otherwise it is a `<skipped>` whose message starts with "warning:", with the whole text in
 * `<system-out>`: skipped is the one non-failing state that Jenkins, GitLab, Azure DevOps and the GitHub
 * JUnit actions list with its message (a passed testcase's output is hidden in most of them), so warnings
 * are seen without breaking the build. Under --strict it is a `<failure>`, as the exit code says.
 */
function warningRendersAsFailure(report: ConformanceReport): boolean {
  return report.settings?.strict === true;
}

function testcase(result: ResultRecord, report: ConformanceReport): string {
  const open = `    <testcase${attributes({ name: testcaseName(result), classname: rowLabel(result), time: seconds(resultMs(result)) })}`;
  if (result.status === 'passed') return `${open}/>`;
  if (result.status === 'skipped') return `${open}>\n      <skipped${attributes({ message: `${result.check} does not apply to ${rowLabel(result)} (${result.endpoint})` })}/>\n    </testcase>`;
  const text = result.failures.length
    ? result.failures.map((f, i) => `=== failure ${i + 1} of ${result.failures.length} ===\n${failureText(f)}`).join('\n\n')
    : 'failed without a recorded failure';
  if (isWarning(result) && !warningRendersAsFailure(report)) {
    return `${open}>\n      <skipped${attributes({ message: `warning: ${failureMessage(result)}` })}/>\n      <system-out>${escapeXml(text)}</system-out>\n    </testcase>`;
  }
  const prefix = isWarning(result) ? 'warning (counted: --strict): ' : '';
  return `${open}>\n      <failure${attributes({ message: `${prefix}${failureMessage(result)}`, type: result.check })}>${escapeXml(text)}</failure>\n    </testcase>`;
}

/** failures and skipped as a JUnit consumer must count them: warnings are skipped unless --strict. */
function junitCounts(results: readonly ResultRecord[], report: ConformanceReport): { failures: number; skipped: number } {
  const strict = warningRendersAsFailure(report);
  const warnings = results.filter(isWarning).length;
  const failed = results.filter((r) => r.status === 'failed').length;
  const skipped = results.filter((r) => r.status === 'skipped').length;
  return strict ? { failures: failed, skipped } : { failures: failed - warnings, skipped: skipped + warnings };
}

function properties(report: ConformanceReport): string {
  const entries: [string, string][] = [
    ['tool', `${report.tool.name} ${report.tool.version}`],
    ['target.kind', report.target.kind],
    ['target.baseUrl', report.target.baseUrl],
    ['seed', String(report.seed)],
    ['complete', String(report.complete)],
    ['requests', String(report.summary.requests)],
    ['warnings', String(report.results.filter(isWarning).length)],
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
    const { failures, skipped } = junitCounts(results, report);
    const time = results.reduce((sum, r) => sum + resultMs(r), 0);
    return [
      `  <testsuite${attributes({ name: task, tests: results.length, failures, errors: 0, skipped, time: seconds(time), timestamp: report.startedAt })}>`,
      properties(report),
      ...results.map((r) => testcase(r, report)),
      '  </testsuite>',
    ].join('\n');
  });
  if (!report.complete) suites.push(incompleteSuite(report));
  const { summary } = report;
  const counts = junitCounts(report.results, report);
  const root = attributes({
    name: `${report.tool.name} (${report.target.kind} ${report.target.baseUrl})`,
    tests: summary.checks + (report.complete ? 0 : 1),
    failures: counts.failures,
    errors: report.complete ? 0 : 1,
    skipped: counts.skipped,
    time: seconds(report.durationMs),
    timestamp: report.startedAt,
  });
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites${root}>\n${suites.join('\n')}\n</testsuites>\n`;
}
