/** @module Terminal output of a run: a live line on a TTY, plain lines otherwise; one line per failure; a closing summary. */
import type { ConformanceReport, ResultRecord } from '../src/harness/report.js';

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
  private requests = 0;
  private lastPlain = 0;

  constructor(private readonly options: ProgressOptions) {}

  /** One planned case finished with these results. */
  caseDone(results: readonly ResultRecord[], requests: number): void {
    this.cases++;
    this.requests = requests;
    for (const result of results.filter((r) => r.status === 'failed')) {
      this.failures++;
      this.clearLine();
      const first = result.failures[0];
      this.options.write(`✗ ${result.model ?? result.task} ${result.check}: ${first?.message ?? 'failed'}\n`);
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
    const rate = summary.passed + summary.failed ? ((summary.passed / (summary.passed + summary.failed)) * 100).toFixed(1) : '100.0';
    this.options.write(
      `\n${summary.failed ? '✗' : '✓'} ${summary.passed} passed, ${summary.failed} failed, ${summary.skipped} skipped (${rate} % conformant) ` +
        `on ${report.target.kind} ${report.target.baseUrl}; ${summary.requests} requests in ${(report.durationMs / 1000).toFixed(1)} s; seed ${report.seed}\n` +
        (report.complete ? '' : `incomplete: ${report.incompleteReason}\n`) +
        (written.length ? `reports: ${written.join(', ')}\n` : ''),
    );
  }

  private line(): string {
    const budget = this.options.maxRequests !== undefined ? `/${this.options.maxRequests}` : '';
    return `${this.cases}/${this.options.plannedCases} cases, ${this.failures} failures, ${this.requests}${budget} requests`;
  }

  private clearLine(): void {
    if (this.options.live) this.options.write('\r\u001b[2K');
  }
}
