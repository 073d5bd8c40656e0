import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Suites that start emulators share them through globalSetup; files run in parallel forks.
    pool: 'forks',
    reporters: ['default'],
  },
});
