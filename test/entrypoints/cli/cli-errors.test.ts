import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { LOCAL_CONFIG_KEYS, flagOf } from '../../../src/entrypoints/local/local-config.js';

/** Temporary folders this file makes, removed after it. */
const made: string[] = [];
const tempDir = (prefix: string): string => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  made.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

const root = join(import.meta.dirname, '..', '..', '..');

// Each case spawns a process (a second or two of tsx start-up, more on a busy machine).
vi.setConfig({ testTimeout: 120_000 });

interface Run {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/**
 * Runs a command as people run it (the same node, tsx and file the npm script runs; npm's own
 * wrapper left out) and collects its output. Each child is stopped by its own handle if it
 * outlives the bound.
 */
const run = (args: readonly string[], env: Record<string, string | undefined> = {}, timeoutMs = 60_000): Promise<Run> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', ...args], {
      cwd: root,
      // An `undefined` entry removes the variable.
      env: Object.fromEntries(
        Object.entries({ ...process.env, STAMPEDE_LOG_LEVEL: 'ERROR', ...env }).filter(([, v]) => v !== undefined),
      ),
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${args.join(' ')} still running after ${timeoutMs} ms:\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });

const START = ['src/entrypoints/local/main.ts', '--port', '0', '--no-demo', '--progress-interval-ms', '0'];
const WATCH = ['src/entrypoints/cli/watch-channel.ts'];
const REDRIVE = ['scripts/redrive.ts'];
const CDK_APP = ['infra/app.ts'];

/** The contract of every refusal: exit code 2, one line on stderr saying what and what to do, no stack trace. */
const expectOneLineRefusal = (result: Run, says: RegExp): void => {
  const lines = result.stderr.trim().split('\n');
  expect({ code: result.code, lines }).toMatchObject({ code: 2, lines: [expect.stringMatching(says)] });
  expect(result.stderr).not.toMatch(/^\s+at /m);
  expect(result.stdout).toBe('');
};

/** A loopback port nothing listens on (bound, read, released). */
const closedPort = async (): Promise<number> => {
  const server = createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as { port: number };
  await new Promise<void>((r) => server.close(() => r()));
  return port;
};

describe.concurrent('npm start refuses, in one line with exit code 2', () => {
  let busy: Server;
  let busyPort = 0;
  beforeAll(async () => {
    busy = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    busyPort = (busy.address() as { port: number }).port;
  });
  afterAll(() => new Promise<void>((r) => busy.close(() => r())));

  it('an unknown backend, naming the ones there are', async () => {
    expectOneLineRefusal(
      await run([...START, '--backend', 'foo']),
      /^npm start: --backend \/ STAMPEDE_BACKEND: no backend "foo".*pick one of memory, emulators$/,
    );
  });

  it('a value out of range or of the wrong type, with the rule', async () => {
    expectOneLineRefusal(
      await run([...START, '--shard-size', 'lots']),
      /^npm start: --shard-size \/ STAMPEDE_SHARD_SIZE: must be an integer 1\.\.10000 \(got "lots"\)$/,
    );
  });

  it('a bad environment variable the same way', async () => {
    expectOneLineRefusal(
      await run(START, { STAMPEDE_BROADCASTER: 'pigeons' }),
      /^npm start: --broadcaster \/ STAMPEDE_BROADCASTER: must be apigateway \| appsync-events \(got "pigeons"\)$/,
    );
  });

  it('an unknown flag, suggesting the one meant', async () => {
    expectOneLineRefusal(
      await run([...START, '--shard-sise', '3']),
      /^npm start: unknown option --shard-sise: did you mean --shard-size\? \(npm start -- --help lists every option\)$/,
    );
  });

  it('a value given to a switch, saying how switches work', async () => {
    expectOneLineRefusal(await run([...START, '--demo=yes']), /--demo takes no value: .*--no-demo to turn it off/);
  });

  it('a flag without its value', async () => {
    expectOneLineRefusal(await run([...START, '--port']), /^npm start: --port needs a value: an integer 0\.\.65535/);
  });

  it('a stray argument', async () => {
    expectOneLineRefusal(await run([...START, 'emulators']), /unexpected argument "emulators"/);
  });

  it('a port in use, saying how to pick another', async () => {
    const args = START.filter((a, i) => a !== '--port' && START[i - 1] !== '--port');
    expectOneLineRefusal(
      await run([...args, '--port', String(busyPort)]),
      new RegExp(`^npm start: port ${busyPort} is in use: pick another with --port`),
    );
  });

  it('the emulators backend without Java on PATH, saying what to install', async () => {
    // An empty PATH: no java (and no npm to fetch the jar with, if it is not cached yet).
    const empty = tempDir('no-java-');
    expectOneLineRefusal(
      await run([...START, '--backend', 'emulators'], { PATH: empty }, 120_000),
      /^npm start: --backend emulators cannot start: .*(Java runtime ≥ 11 on PATH: apt-get install|npm and access to the npm registry)/,
    );
  });

  it('prints the stack trace with --verbose, still exit code 2', async () => {
    const result = await run([...START, '--backend', 'foo', '--verbose']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^\s+at /m);
  });

  it('--help: every flag, grouped, with a description, its default and allowed values', async () => {
    const { code, stdout: help } = await run(['src/entrypoints/local/main.ts', '--help']);
    expect(code).toBe(0);
    for (const key of LOCAL_CONFIG_KEYS) expect(help).toMatch(new RegExp(`^  --${flagOf(key)}\\b`, 'm'));
    expect(help).toMatch(/^Fan-out pipeline:$/m);
    const stdout = help.replace(/\s+/g, ' ');
    expect(stdout).toMatch(
      /--shard-size <n>\s+Connections per channel shard[^[]+\[values: an integer 1\.\.10000; default: 500; env: STAMPEDE_SHARD_SIZE\]/,
    );
    expect(stdout).toMatch(/--backend <value>[^[]+\[values: memory \| emulators; default: memory/);
    expect(stdout).toMatch(/--demo\s+Live channels[^[]+\[default: on; env: STAMPEDE_DEMO\]/);
  });
});

describe.concurrent('watch-channel refuses, in one line with exit code 2', () => {
  it('without a channel id, showing how to name one', async () => {
    expectOneLineRefusal(await run(WATCH), /^watch-channel: which channel\? e\.g\. .* demo-1 --url/);
  });

  it('without a server, saying to start one or point --url at it', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    expectOneLineRefusal(
      await run([...WATCH, 'demo-1', '--url', url]),
      new RegExp(`^watch-channel: no server answers at ${url} \\(ECONNREFUSED\\): start one with npm start`),
    );
  });

  it('a --url that is not http(s)', async () => {
    expectOneLineRefusal(await run([...WATCH, 'demo-1', '--url', 'localhost:3000']), /--url must be an http/);
  });

  it('an unknown flag', async () => {
    expectOneLineRefusal(await run([...WATCH, 'demo-1', '--ulr', 'x']), /unknown option --ulr: did you mean --url\?/);
  });

  it('--help describes the argument and each flag with its default', async () => {
    const { code, stdout: help } = await run([...WATCH, '--help']);
    expect(code).toBe(0);
    const stdout = help.replace(/\s+/g, ' ');
    expect(stdout).toMatch(/<channelId>\s+The channel to watch/);
    expect(stdout).toMatch(
      /--url <http-url>\s+Where the HTTP API answers[^[]+\[default: http:\/\/127\.0\.0\.1:3000; env: STAMPEDE_URL\]/,
    );
  });
});

describe.concurrent('npm run redrive refuses, in one line with exit code 2', () => {
  const noAws = { AWS_REGION: undefined, AWS_DEFAULT_REGION: undefined, AWS_ENDPOINT_URL_SQS: undefined };

  it('without a queue', async () => {
    expectOneLineRefusal(await run(REDRIVE, noAws), /^redrive: which queue\? e\.g\. npm run redrive -- BookingDlq/);
  });

  it('without AWS_REGION, naming the variable', async () => {
    expectOneLineRefusal(
      await run([...REDRIVE, 'BookingDlq'], noAws),
      /^redrive: environment AWS_REGION: set AWS_REGION/,
    );
  });

  it('a bad --max', async () => {
    expectOneLineRefusal(await run([...REDRIVE, 'q', '--max', 'x']), /^redrive: --max must be a positive integer/);
  });

  it('an unknown --kind', async () => {
    expectOneLineRefusal(await run([...REDRIVE, 'q', '--kind', 'nope']), /^redrive: --kind must be one of booking/);
  });

  it('an emulator endpoint nothing answers on', async () => {
    const endpoint = `http://127.0.0.1:${await closedPort()}`;
    expectOneLineRefusal(
      await run([...REDRIVE, 'q'], { AWS_REGION: 'us-east-1', AWS_ENDPOINT_URL_SQS: endpoint }),
      new RegExp(`^redrive: nothing answers at ${endpoint} \\(ECONNREFUSED\\)`),
    );
  });

  it('--help names the environment variables it needs', async () => {
    const { code, stdout: help } = await run([...REDRIVE, '--help']);
    expect(code).toBe(0);
    expect(help).toMatch(/^Environment:$/m);
    const stdout = help.replace(/\s+/g, ' ');
    expect(stdout).toMatch(/AWS_REGION\s+Required/);
    expect(stdout).toMatch(/AWS_ENDPOINT_URL_SQS\s+An emulator/);
  });
});

describe.concurrent('the CDK app refuses a bad -c, in one line with exit code 2', () => {
  /** The app as `cdk synth` runs it: the context arrives as CDK_CONTEXT_JSON. */
  const synth = (context: Record<string, string>) =>
    run(CDK_APP, { CDK_CONTEXT_JSON: JSON.stringify(context), CDK_OUTDIR: tempDir('cdk-out-') });

  it('an unknown key, naming the closest known one', async () => {
    expectOneLineRefusal(
      await synth({ feedShard: '4' }),
      /^\[stampede\] unknown context key "feedShard" \(-c feedShard=…\): did you mean feedShards\?/,
    );
  });

  it('a capacity value out of range', async () => {
    expectOneLineRefusal(
      await synth({ feedShards: '0' }),
      /^\[stampede\] invalid CDK context: feedShards must be shards, 1\.\.500, got "0"$/,
    );
  });

  it('a switch that is not true or false', async () => {
    expectOneLineRefusal(await synth({ ephemeral: 'yes' }), /ephemeral must be true \| false, got "yes"/);
  });

  it('half an identity', async () => {
    expectOneLineRefusal(await synth({ identityIssuerUrl: 'https://issuer.example.com' }), /identity needs both/);
  });

  it('through the cdk CLI too: its own line follows, no stack trace', async () => {
    const result = await new Promise<Run>((resolve) => {
      const child = spawn(
        process.execPath,
        [
          join(root, 'node_modules', 'aws-cdk', 'bin', 'cdk'),
          'synth',
          '--quiet',
          '-c',
          'feedShard=4',
          '-o',
          tempDir('cdk-out-'),
        ],
        { cwd: root, env: process.env },
      );
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
      child.once('exit', (code) => resolve({ code, stdout, stderr }));
    });
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/^\[stampede\] unknown context key "feedShard"/m);
    expect(result.stderr).toMatch(/Subprocess exited with error 2/);
    expect(result.stderr).not.toMatch(/^\s+at /m);
  }, 120_000);
});

describe.concurrent('npm run build:web', () => {
  const BUILD_WEB = ['src/entrypoints/pages/build-pages.main.ts'];

  it('prints each page script with its gzip size and its zod bytes (none)', async () => {
    const out = join(tempDir('pages-'), 'web');
    const { code, stdout } = await run([...BUILD_WEB, '--out', out]);
    expect(code).toBe(0);
    expect(stdout).toMatch(/^ {2}live\/main\.js\s+[\d.]+ KB\s+[\d.]+ KB gzip\s+zod: none$/m);
    expect(stdout).toMatch(/^ {2}booking\/main\.js\s+[\d.]+ KB\s+[\d.]+ KB gzip\s+zod: none$/m);
  });

  it('refuses an unknown flag in one line', async () => {
    expectOneLineRefusal(
      await run([...BUILD_WEB, '--ot', 'x']),
      /^build:web: unknown option --ot: did you mean --out\?/,
    );
  });
});
