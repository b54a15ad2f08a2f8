/** @module Terminal output of a run: a live line on a TTY, plain lines otherwise; one line per failure; a closing summary. */
import { isWarning, type ConformanceReport, type ResultRecord } from '../src/harness/report.js';

/** Where progress goes and how. */
export interface ProgressOptions {
  write: (text: string) => void;
  /** A TTY outside CI gets the live line; CI and pipes get plain lines. */
  live: boolean;
  plannedCases: number;
  maxRequests?: number;
}

/** Reports progress as cases finish. */
export class Progress {
  private cases = 0;
  private failures = 0;
  private warnings = 0;
  private requests = 0;
  private lastPlain = 0;

  constructor(private readonly options: ProgressOptions) {}

  /** One planned case finished with these results. */
  caseDone(results: readonly ResultRecord[], requests: number): void {
    this.cases++;
    this.requests = requests;
    for (const result of results.filter((r) => r.status === 'failed')) {
      const warning = isWarning(result);
      if (warning) this.warnings++;
      else this.failures++;
      this.clearLine();
      const first = result.failures[0];
      // ⚠ marks a rule without enforcement evidence: reported, but it fails the run only under --strict.
      this.options.write(`${warning ? '⚠' : '✗'} ${result.model ?? result.task} ${result.check}: ${first?.message ?? 'failed'}\n`);
    }
    if (this.options.live) this.options.write(`\r${this.line()}`);
    else if (this.cases - this.lastPlain >= 50 || this.cases === this.options.plannedCases) {
      this.lastPlain = this.cases;
      this.options.write(`${this.line()}\n`);
    }
  }

  /** An error that is not a check failure. */
  error(message: string): void {
    this.clearLine();
    this.options.write(`! ${message}\n`);
  }

  /** The closing summary. */
  finish(report: ConformanceReport, written: readonly string[]): void {
    this.clearLine();
    const { summary } = report;
    const warnings = summary.warnings ?? 0;
    const errors = summary.failed - warnings;
    // The rate judges established rules only: a warning is not known non-conformance.
    const rate = summary.passed + errors ? ((summary.passed / (summary.passed + errors)) * 100).toFixed(1) : '100.0';
    const strict = report.settings?.strict === true;
    this.options.write(
      `\n${errors || (strict && warnings) ? '✗' : '✓'} ${summary.passed} passed, ${errors} failed, ${warnings} warnings${warnings ? (strict ? ' (counted: --strict)' : ' (not counted; --strict counts them)') : ''}, ${summary.skipped} skipped (${rate} % conformant) ` +
        `on ${report.target.kind} ${report.target.baseUrl}; ${summary.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s; seed ${report.seed}\n` +
        (report.complete ? '' : `incomplete: ${report.incompleteReason}\n`) +
        (written.length ? `reports: ${written.join(', ')}\n` : ''),
    );
  }

  private line(): string {
    const budget = this.options.maxRequests !== undefined ? `/${this.options.maxRequests}` : '';
    return `${this.cases}/${this.options.plannedCases} cases, ${this.failures} failures, ${this.warnings} warnings, ${this.requests}${budget} requests`;
  }

  private clearLine(): void {
    if (this.options.live) this.options.write('\r\u001b[2K');
  }
}
