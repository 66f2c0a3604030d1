// The unit tests that Stryker runs against each mutant (stryker.config.mjs): test/unit only, never the e2e tests,
// without the global setup (it extracts kubectl and packages the binary, which no unit test needs). The lint and
// release tests run eslint and check archives, and exercise none of the mutated code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/lint/**', 'test/unit/release/**'],
    // Wall-clock budgets (a render under 500 ms) fail under Stryker's instrumentation at nice 19 on a loaded machine;
    // they measure speed, not behaviour, so they do not judge mutants.
    testNamePattern: /^(?!.*(costs what the width costs|renders in well under a second|a big multi-line --file in the table))/,
    // Each test file's temporary files in a directory of its own, removed after it (test/tmp-setup.ts).
    setupFiles: ['test/tmp-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
