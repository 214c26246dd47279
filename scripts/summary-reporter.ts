import type { Reporter, TestModule } from "vitest/node";

/**
 * Ends every test run with one plain line, "tests: N passed, N failed,
 * N skipped", that CI's log readers recognise whatever the runner.
 */
export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const counts = { passed: 0, failed: 0, skipped: 0, pending: 0 };
    for (const module of testModules) {
      for (const test of module.children.allTests()) counts[test.result().state]++;
    }
    // A file that failed outside any test (an import, a beforeAll) counts as a failure of its own.
    const failedModules = testModules.filter((module) => module.state() === "failed" && [...module.children.allTests("failed")].length === 0).length;
    console.log(`\ntests: ${counts.passed} passed, ${counts.failed + failedModules} failed, ${counts.skipped + counts.pending} skipped`);
  }
}
