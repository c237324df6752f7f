import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'sdk/**/*.test.ts'],
    // test/browser/** drives chromium (skipped with a reason when it is not installed; fails under CI).
    exclude: ['node_modules/**'],
    pool: 'forks',
    testTimeout: 30_000,
    // CI retries a failed test once, and test/reporters/flaky.ts names each that passed only then: a
    // regression still fails twice, while one slow moment of a loaded machine no longer sinks the landing.
    retry: process.env.CI === 'true' ? 1 : 0,
    hookTimeout: 60_000,
    reporters: ['default'],
  },
});
