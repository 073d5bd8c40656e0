import { defineConfig } from 'vitest/config';

/**
 * Test files that talk to the AWS emulators (DynamoDB Local, kinesalite, fauxqs). They form
 * their own project whose globalSetup starts the emulators once per run; vitest runs a
 * project's globalSetup only when some of its files are selected, so `vitest run test/domain`
 * starts nothing.
 */
const emulatorTests = [
  'test/contracts/**/*.{dynamodb,kinesis,sqs,s3,sns,apigateway}.test.ts',
  'test/adapters/{dynamodb,kinesis,sqs,s3,apigateway}/**/*.test.ts',
  'test/scripts/**/*.test.ts',
  'test/entrypoints/local/emulator-*.test.ts',
  'test/adapters/local/emulator-*.test.ts',
  'test/entrypoints/lambda/*.aws.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    reporters: ['default'],
    projects: [
      { extends: true, test: { name: 'unit', include: ['test/**/*.test.ts'], exclude: emulatorTests } },
      {
        extends: true,
        test: {
          name: 'emulators',
          include: emulatorTests,
          // Shared by all files of the project; each file creates its own tables, streams and queues.
          globalSetup: ['test/support/emulators/global-setup.ts'],
        },
      },
    ],
  },
});
