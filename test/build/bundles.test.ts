import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { runBuild } from '../../scripts/build.js';
import { DEFAULT_BUDGET_BYTES, budgetOf } from '../../scripts/build/bundle.js';
import { checkBundleLoads } from '../../scripts/build/load-check.js';
import { LAMBDA_NAMES, exampleEnvironment, requiredVariables } from '../../src/entrypoints/composition/config.js';
import { NOT_DEPLOYED } from '../../infra/stampede.stack.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const FIXTURES = fileURLToPath(new URL('./fixtures/lambda', import.meta.url));

/** Runs the build in-process, capturing what it prints. */
const build = async (args: string[]): Promise<{ code: number; out: string; err: string }> => {
  const out: string[] = [];
  const err: string[] = [];
  const log = vi.spyOn(console, 'log').mockImplementation((...a: unknown[]) => void out.push(a.join(' ')));
  const warn = vi.spyOn(console, 'warn').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  const error = vi.spyOn(console, 'error').mockImplementation((...a: unknown[]) => void err.push(a.join(' ')));
  try {
    return { code: await runBuild(args), out: out.join('\n'), err: err.join('\n') };
  } finally {
    log.mockRestore();
    warn.mockRestore();
    error.mockRestore();
  }
};

const scratch: string[] = [];
const tempDir = (label: string): string => {
  const dir = mkdtempSync(join(tmpdir(), `stampede-${label}-`));
  scratch.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the build on fixtures (what it refuses, and why)', () => {
  let result: { code: number; out: string; err: string };
  let outDir: string;
  beforeAll(async () => {
    outDir = tempDir('fixtures');
    result = await build(['--entry-dir', FIXTURES, '--out-dir', outDir]);
  });

  it('fails, naming every problem: missing entrypoints, an unknown one, over budget, not loadable', () => {
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/missing entrypoints: .*broadcast\.handler\.ts/);
    expect(result.err).toContain('entrypoints not in the fixed list: snowflake');
    expect(result.err).toMatch(/booking is \d+\.\d KiB, over its budget of 1024\.0 KiB \(largest parts: .*@aws-sdk/);
    expect(result.err).toContain('fanout does not load with plain node');
    expect(result.err).toContain('the bundle does not export a handler function');
    expect(result.err).not.toMatch(/relay (is|does not)/);
  });

  it('prints a table with every bundle, its size, budget and load result', () => {
    const rows = result.out.split('\n');
    expect(rows[0]).toMatch(/^bundle\s+size\s+budget\s+used\s+budget check\s+loads in node/);
    expect(rows.find((r) => r.startsWith('relay '))).toMatch(/relay\s+\d+\.\d KiB\s+1024\.0 KiB\s+\d+%\s+ok\s+ok/);
    expect(rows.find((r) => r.startsWith('booking '))).toMatch(/OVER BUDGET\s+ok/);
    expect(rows.find((r) => r.startsWith('fanout '))).toMatch(/ok\s+FAILED/);
    expect(rows.some((r) => r.startsWith('snowflake'))).toBe(false);
  });

  it('writes ESM bundles with source maps and the createRequire banner, one self-contained directory each', () => {
    for (const name of ['relay', 'fanout', 'booking']) {
      const dir = join(outDir, name);
      expect(readdirSync(dir)).toEqual(expect.arrayContaining(['index.mjs', 'index.mjs.map']));
      const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
      expect(code.startsWith("import { createRequire as __stampedeCreateRequire } from 'node:module';")).toBe(true);
      expect(code).toContain('//# sourceMappingURL=index.mjs.map');
      // Nothing shared between bundles: relative imports only reach the bundle's own chunks/.
      expect(code).not.toMatch(/["']\.\.\//);
      for (const m of code.matchAll(/(?:from ?|import\()["'](\.[^"']*)["']/g)) expect(m[1]).toMatch(/^\.\/chunks\//);
    }
  });

  it('a bundle whose environment lacks a variable fails at import with the config message naming it', async () => {
    const env = exampleEnvironment('relay');
    delete env['FEED_STREAM_NAME'];
    const result = await checkBundleLoads(join(outDir, 'relay', 'index.mjs'), { ...env, LOG_LEVEL: 'chatty' });
    expect(result.ok).toBe(false);
    // The report starts at the error, not at the kilobytes-long minified line Node prints first.
    expect(result.detail.split('\n')[0]).toMatch(
      /^ConfigError: Lambda "relay" configuration: 2 environment variable\(s\)/,
    );
    expect(result.detail).toContain('LOG_LEVEL is malformed ("chatty"');
    expect(result.detail).toContain('FEED_STREAM_NAME is missing; expected the live-feed Kinesis stream name');
    expect(await checkBundleLoads(join(outDir, 'relay', 'index.mjs'), exampleEnvironment('relay'))).toEqual({
      ok: true,
      detail: '',
    });
  });

  it('builds only what exists with --allow-missing, still refusing the unknown entrypoint', async () => {
    const partial = await build([
      '--entry-dir',
      FIXTURES,
      '--out-dir',
      tempDir('partial'),
      '--allow-missing',
      '--no-load-check',
    ]);
    expect(partial.err).not.toContain('missing entrypoints');
    expect(partial.err).toContain('warning: not built (no entrypoint yet): fanout-events, broadcast');
    expect(partial.err).toContain('snowflake');
    expect(partial.code).toBe(1);
  });
});

describe('the real entrypoints (npm run build)', () => {
  let result: { code: number; out: string; err: string };
  let outDir: string;
  beforeAll(async () => {
    outDir = tempDir('dist');
    result = await build(['--out-dir', outDir]);
  });

  it('builds every Lambda of the fixed list within budget, and each loads with plain node', () => {
    expect(result.err).toBe('');
    expect(result.code).toBe(0);
    for (const name of LAMBDA_NAMES) {
      expect(existsSync(join(outDir, name, 'index.mjs')), `${name}/index.mjs`).toBe(true);
      expect(result.out).toMatch(new RegExp(`^${name}\\s+\\d+\\.\\d KiB\\s+\\d+\\.\\d KiB\\s+\\d+%\\s+ok\\s+ok`, 'm'));
    }
    expect(budgetOf('relay')).toBe(DEFAULT_BUDGET_BYTES);
    // http-api serves every route, yet stays within the default: ioredis (recommendations only)
    // is a chunk loaded on first use, not parsed at every cold start.
    expect(budgetOf('http-api')).toBe(DEFAULT_BUDGET_BYTES);
    expect(result.out).toMatch(/^http-api\s.*\s\d+\.\d KiB in \d+ chunk\(s\)\s*$/m);
    const httpApiChunks = readdirSync(join(outDir, 'http-api', 'chunks')).filter((f) => f.endsWith('.mjs'));
    const redisChunk = httpApiChunks.filter((f) =>
      readFileSync(join(outDir, 'http-api', 'chunks', f), 'utf8').includes('ClusterAllFailedError'),
    );
    expect(redisChunk.length).toBeGreaterThan(0);
    expect(readFileSync(join(outDir, 'http-api', 'index.mjs'), 'utf8')).not.toContain('ClusterAllFailedError'); // an ioredis class
    // The AppSync Events publisher (SigV4 signer, credential chain) stays inside the 1 MiB budget.
    expect(budgetOf('fanout-events')).toBe(DEFAULT_BUDGET_BYTES);
    expect(statSync(join(outDir, 'fanout-events', 'index.mjs')).size).toBeLessThanOrEqual(DEFAULT_BUDGET_BYTES);
  });

  it('each bundle reads its configuration at init: without its environment it fails with the config message', async () => {
    for (const name of LAMBDA_NAMES) {
      const file = join(outDir, name, 'index.mjs');
      if (!existsSync(file)) throw new Error(`${name} was not built`);
      const loaded = await checkBundleLoads(file, {});
      expect(loaded.ok, name).toBe(false);
      expect(loaded.detail, name).toContain(`Lambda "${name}" configuration`);
      for (const variable of requiredVariables(name)) expect(loaded.detail, name).toContain(`${variable} is missing`);
    }
  });

  it('`cdk synth` with the pinned CLI works offline (no credentials) and packages each bundle as its function’s asset', () => {
    const cdkOut = tempDir('cdk-out');
    const env: Record<string, string> = { PATH: process.env['PATH'] ?? '', HOME: tempDir('home') };
    const synth = spawnSync(
      join(ROOT, 'node_modules', '.bin', 'cdk'),
      [
        'synth',
        '--quiet',
        '--output',
        cdkOut,
        '-c',
        `distDir=${outDir}`,
        '-c',
        'identityIssuerUrl=https://issuer.example.com/',
        '-c',
        'identityAudience=stampede',
      ],
      { cwd: ROOT, env, encoding: 'utf8', timeout: 240_000 },
    );
    expect(synth.status, synth.stderr).toBe(0);
    const template = JSON.parse(readFileSync(join(cdkOut, 'Stampede.template.json'), 'utf8')) as {
      Resources: Record<
        string,
        {
          Type: string;
          Properties: { Code?: { ZipFile?: string }; Description?: string };
          Metadata?: Record<string, string>;
        }
      >;
    };
    const functions = Object.values(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    // The default broadcaster (appsync-events) deploys fanout-events instead of fanout + broadcast.
    expect(functions).toHaveLength(LAMBDA_NAMES.length - NOT_DEPLOYED['appsync-events'].length);
    for (const fn of functions) {
      expect(fn.Properties.Code?.ZipFile, fn.Properties.Description).toBeUndefined();
      const assetPath = fn.Metadata?.['aws:asset:path'];
      expect(assetPath, fn.Properties.Description).toBeDefined();
      expect(existsSync(join(cdkOut, assetPath ?? '', 'index.mjs')), fn.Properties.Description).toBe(true);
    }
    // The CDK's built-in CloudFormation validation (schema and rule checks) found nothing.
    // Annotations are reported there too; "bundles older than src/" only says someone edited a
    // source file during this test (other work in the same tree), so it is not counted.
    const report = JSON.parse(readFileSync(join(cdkOut, 'validation-report.json'), 'utf8')) as {
      pluginReports: { violations?: { ruleName?: string; description?: string }[] }[];
    };
    const violations = report.pluginReports
      .flatMap((r) => r.violations ?? [])
      .map((v) => `${v.ruleName}: ${v.description}`);
    expect(violations.filter((v) => !v.includes('bundles older than src/'))).toEqual([]);
  });
});
