import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { describe, expect, it } from 'vitest';
import type { ConformanceReport } from '../../../src/harness/report.js';
import { renderJunit } from '../../../reporters/junit.js';
import { HOSTILE, REPORT_FAULTS, realReport, syntheticReport, warningReport } from './reports.js';

interface Testcase {
  '@_name': string;
  '@_classname': string;
  '@_time': string;
  failure?: { '@_message': string; '@_type': string; '#text': string };
  skipped?: { '@_message': string };
  error?: { '@_message': string };
}
interface Testsuite {
  '@_name': string;
  '@_tests': string;
  '@_failures': string;
  '@_skipped': string;
  properties: { property: { '@_name': string; '@_value': string }[] };
  testcase: Testcase[];
}

/** Parses JUnit XML as a consumer does: well-formedness first, then the testsuites tree. */
function parse(xml: string): { testsuites: { '@_tests': string; '@_failures': string; '@_skipped': string; testsuite: Testsuite[] } } {
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw new Error(`not well-formed XML: ${JSON.stringify(valid.err)}`);
  const parser = new XMLParser({
    ignoreAttributes: false,
    parseAttributeValue: false,
    parseTagValue: false,
    trimValues: false,
    isArray: (name) => ['testsuite', 'testcase', 'property'].includes(name),
  });
  return parser.parse(xml);
}

function byTask(report: ConformanceReport): Map<string, number> {
  const counts = new Map<string, number>();
  for (const r of report.results) counts.set(r.task, (counts.get(r.task) ?? 0) + 1);
  return counts;
}

describe('renderJunit', () => {
  it('has one testcase per result and one testsuite per task, with matching counts (real report)', async () => {
    const report = await realReport(REPORT_FAULTS);
    expect(report.summary.failed).toBeGreaterThan(0);
    const { testsuites } = parse(renderJunit(report));
    const cases = testsuites.testsuite.flatMap((s) => s.testcase);
    expect(cases).toHaveLength(report.results.length);
    expect(Number(testsuites['@_tests'])).toBe(report.results.length);
    expect(Number(testsuites['@_failures'])).toBe(report.summary.failed);
    expect(Number(testsuites['@_skipped'])).toBe(report.summary.skipped);
    const tasks = byTask(report);
    expect(testsuites.testsuite.map((s) => s['@_name'])).toEqual([...tasks.keys()]);
    for (const suite of testsuites.testsuite) {
      expect(suite.testcase).toHaveLength(tasks.get(suite['@_name'])!);
      expect(Number(suite['@_tests'])).toBe(suite.testcase.length);
      expect(Number(suite['@_failures'])).toBe(suite.testcase.filter((c) => c.failure).length);
      expect(Number(suite['@_skipped'])).toBe(suite.testcase.filter((c) => c.skipped).length);
      expect(suite.properties.property).toContainEqual({ '@_name': 'seed', '@_value': '42' });
    }
    expect(cases.filter((c) => c.failure)).toHaveLength(report.summary.failed);
    expect(cases.filter((c) => c.skipped)).toHaveLength(report.summary.skipped);
  });

  it("puts the message, the exchange and the exact reproduce command in each failure's text", async () => {
    const report = await realReport(REPORT_FAULTS);
    const { testsuites } = parse(renderJunit(report));
    const cases = testsuites.testsuite.flatMap((s) => s.testcase);
    const failed = report.results.filter((r) => r.status === 'failed');
    for (const result of failed) {
      const testcase = cases.find((c) => c['@_classname'] === (result.model ?? `API (${result.task})`) && c['@_name'] === `${result.check} (${result.endpoint})`);
      expect(testcase?.failure, `${result.model} ${result.check}`).toBeDefined();
      const text = testcase!.failure!['#text'];
      const first = result.failures[0]!;
      expect(testcase!.failure!['@_type']).toBe(result.check);
      expect(testcase!.failure!['@_message']).toContain(first.message.split('\n')[0]);
      expect(text).toContain(first.message);
      expect(text).toContain(first.reproduce);
      expect(text).toContain(`${first.request.method} ${first.request.url}`);
      if (first.response) expect(text).toContain(`HTTP ${first.response.status}`);
    }
  });

  it('escapes hostile text and replaces characters XML cannot carry', () => {
    const report = syntheticReport();
    const xml = renderJunit(report);
    const { testsuites } = parse(xml);
    expect(xml).not.toContain('<script>');
    const failure = testsuites.testsuite.flatMap((s) => s.testcase).find((c) => c.failure && c['@_classname'] === '@cf/test/<b>bold</b>')!.failure!;
    expect(failure['#text']).toContain('<script>alert("x")</script>');
    expect(failure['#text']).toContain('\\u0000\\u001b\\ud800');
    expect(failure['#text']).toContain('no response: timeout: no answer within 30000 ms');
    expect(failure['@_message']).toContain('(and 1 more)');
    const speech = testsuites.testsuite.find((s) => s['@_name'] === 'text-to-speech')!.testcase[0]!;
    expect(speech.failure!['#text']).toContain(`binary body: 2400 bytes of audio/mpeg, sha256 ${'a'.repeat(64)}`);
    const catalog = testsuites.testsuite.find((s) => s['@_name'] === 'catalog')!.testcase[0]!;
    expect(catalog['@_classname']).toBe('API (catalog)');
    expect(HOSTILE).toContain('\u0000');
  });

  it('adds a failing "run" testsuite when the run is incomplete', () => {
    const report = syntheticReport({ complete: false, incompleteReason: 'budget exhausted after 10 requests' });
    const { testsuites } = parse(renderJunit(report));
    const run = testsuites.testsuite.find((s) => s['@_name'] === 'run')!;
    expect(run.testcase[0]!.error!['@_message']).toBe('incomplete run: budget exhausted after 10 requests');
    expect(Number(testsuites['@_tests'])).toBe(report.results.length + 1);
  });
});

describe('renderJunit: warnings', () => {
  const testcaseOf = (xml: string, classname: string) => parse(xml).testsuites.testsuite.flatMap((s) => s.testcase).find((t) => t['@_classname'] === classname)!;

  it('a warning is a skipped testcase whose message says warning, its text in system-out: it never counts as a failure', () => {
    const report = warningReport();
    const xml = renderJunit(report);
    const root = parse(xml).testsuites;
    const errors = report.results.filter((r) => r.status === 'failed' && r.severity !== 'warning').length;
    expect(root['@_failures']).toBe(String(errors));
    expect(root['@_skipped']).toBe(String(report.summary.skipped + 1));
    const warned = testcaseOf(xml, '@cf/test/painter') as Testcase & { 'system-out'?: string };
    expect(warned.failure).toBeUndefined();
    expect(warned.skipped!['@_message']).toBe('warning: image is 2×2, expected 512×512');
    expect(warned['system-out']).toContain('warning: the rule rests on documentation alone');
    expect(warned['system-out']).toContain('wai-conformance run --target emulator --models @cf/test/painter');
    const suite = parse(xml).testsuites.testsuite.find((s) => s['@_name'] === 'text-to-image')!;
    expect(suite['@_failures']).toBe('0');
    expect(suite.properties.property.find((p) => p['@_name'] === 'warnings')!['@_value']).toBe('1');
  });

  it('under --strict a warning is a failure, as the exit code says', () => {
    const report = warningReport(true);
    const xml = renderJunit(report);
    expect(parse(xml).testsuites['@_failures']).toBe(String(report.summary.failed));
    expect(testcaseOf(xml, '@cf/test/painter').failure!['@_message']).toBe('warning (counted: --strict): image is 2×2, expected 512×512');
  });
});
