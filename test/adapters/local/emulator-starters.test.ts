import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { EmulatorUnavailableError, startDynamoDbLocal } from '../../../src/adapters/local/emulators/dynamodb-local.js';
import { startKinesalite } from '../../../src/adapters/local/emulators/kinesalite-server.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const dir of dirs.splice(0)) await rm(dir, { recursive: true, force: true });
});
const scratch = async () => {
  const dir = await mkdtemp(join(tmpdir(), 'stampede-emulators-'));
  dirs.push(dir);
  return dir;
};

// A missing emulator must fail the run with what to install, never be skipped.
describe('emulator starters', () => {
  it('fail loudly, naming npm and the registry, when DynamoDB Local cannot be fetched', async () => {
    const error = await startDynamoDbLocal({ cacheDir: await scratch(), commands: { npm: '/nonexistent/npm' } }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmulatorUnavailableError);
    expect((error as Error).message).toMatch(/npm pack amplify-dynamodb-simulator@2\.9\.30.*npm registry/);
  });

  it('fail loudly, saying which Java to install, when there is no java', async () => {
    // The jar is fetched into the project cache the test setup already filled; only java is missing.
    const error = await startDynamoDbLocal({
      cacheDir: join(process.cwd(), '.emulators'),
      commands: { java: '/nonexistent/java' },
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EmulatorUnavailableError);
    expect((error as Error).message).toMatch(/Java runtime.*apt-get install -y openjdk-17-jre-headless/);
  });

  it('start kinesalite on a free loopback port and stop it by its handle', async () => {
    const [a, b] = await Promise.all([startKinesalite(), startKinesalite()]);
    expect(a.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(a.endpoint).not.toBe(b.endpoint);
    await Promise.all([a.stop(), b.stop()]);
    await expect(fetch(a.endpoint)).rejects.toThrow();
  });
});
