import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmulators, type EmulatorEndpoints } from '../../../src/adapters/local/emulators/start-emulators.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Endpoints of the emulators started once per run (see test/support/emulators/aws-clients.ts). */
    emulators: EmulatorEndpoints;
  }
}

/**
 * Starts the AWS emulators once per `vitest run` and hands their endpoints to every test file
 * through `inject('emulators')`. A missing emulator throws here, failing the run with a message
 * that says what to install.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const started = Date.now();
  const emulators = await startEmulators({ cacheDir: join(project.config.root, '.emulators') });
  const { dynamodb, kinesis, fauxqs } = emulators.startMs;
  console.log(
    `[emulators] DynamoDB Local ${dynamodb} ms, kinesalite ${kinesis} ms, fauxqs (SQS+S3) ${fauxqs} ms; all up in ${Date.now() - started} ms`,
  );
  project.provide('emulators', emulators.endpoints);
  return () => emulators.stop();
}
