/**
 * A Vitest reporter for CI: names every test that failed and then passed on its retry (vitest.config.ts
 * retries once under CI=true), with why it failed, at the end of the run and in $TINHSO_FLAKY_FILE.
 * A flaky test is a defect to mend, not a pass to forget.
 */
import { appendFileSync } from 'node:fs';
import type { Reporter, TestCase } from 'vitest/node';

/** Collects the tests that passed only on a retry and prints them when the run ends. */
export default class FlakyReporter implements Reporter {
  private readonly flaky: string[] = [];

  onTestCaseResult(testCase: TestCase): void {
    const diagnostic = testCase.diagnostic();
    if (!diagnostic?.flaky) return;
    const why = (testCase.result().errors ?? [])
      .map((e) => String(e.message ?? '').split('\n')[0] ?? '')
      .filter((m) => m.length > 0)
      .join(' | ');
    this.flaky.push(
      `FLAKY ${testCase.module.relativeModuleId} > ${testCase.fullName} (passed on retry ${diagnostic.retryCount})${why ? `: ${why}` : ''}`,
    );
  }

  onTestRunEnd(): void {
    for (const line of this.flaky) console.log(line);
    if (this.flaky.length > 0) console.log(`${this.flaky.length} test(s) passed only on a retry`);
    // .ci/run prints the lines of both runs again after its summary.
    const file = process.env.TINHSO_FLAKY_FILE;
    if (file && this.flaky.length > 0) appendFileSync(file, `${this.flaky.join('\n')}\n`);
  }
}
