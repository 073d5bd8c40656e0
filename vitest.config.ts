import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // DynamoDB Local, kinesalite and fauxqs start once per run and are shared by all files
    // (each file creates its own tables, streams and queues under unique names).
    globalSetup: ['test/support/emulators/global-setup.ts'],
    pool: 'forks',
    reporters: ['default'],
  },
});
