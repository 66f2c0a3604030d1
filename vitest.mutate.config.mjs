// The unit tests that Stryker runs against each mutant (stryker.config.mjs): test/unit only, never the e2e tests,
// without the global setup (it extracts kubectl and packages the binary, which no unit test needs). The lint and
// release tests run eslint and check archives, and exercise none of the mutated code.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    exclude: ['test/unit/lint/**', 'test/unit/release/**'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
