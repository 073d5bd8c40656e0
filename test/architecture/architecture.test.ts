import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

/**
 * Proves that the layering rules of `.dependency-cruiser.cjs` fire: each fixture under
 * `fixtures/<case>/src` breaks one rule on purpose (or none, for `clean`), and the real
 * `depcruise` binary is run on it with the project's config, as `npm run arch` runs it on `src/`.
 * The rules anchor on `^src/…`, so each run's working directory is the fixture.
 */
const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '../..');
const config = join(root, '.dependency-cruiser.cjs');
const depcruise = join(root, 'node_modules/dependency-cruiser/bin/dependency-cruiser.mjs');
// dependency-cruiser needs Node ≥ 22: prefer the project's pinned node over whatever runs vitest.
const node = existsSync(join(root, 'node_modules/.bin/node')) ? join(root, 'node_modules/.bin/node') : process.execPath;

interface Cruise {
  readonly exitCode: number;
  readonly rules: readonly string[];
  readonly violations: readonly { rule: string; from: string }[];
  readonly output: string;
}

/** One line per violation in the default `err` report: `  error <rule>: <from> → <to>`. */
const VIOLATION = /^\s*error (\S+): (\S+) →/gm;

const cruise = (fixture: string): Promise<Cruise> =>
  new Promise((done) => {
    // The default reporter: it is the one that sets a non-zero exit code on errors (json does not).
    execFile(
      node,
      [depcruise, 'src', '--config', config],
      { cwd: join(here, 'fixtures', fixture), timeout: 60_000 },
      (error, stdout, stderr) => {
        const exitCode = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
        const output = `${stdout}${stderr}`;
        const violations = [...output.matchAll(VIOLATION)].map(([, rule, from]) => ({ rule: rule!, from: from! }));
        done({ exitCode, rules: [...new Set(violations.map((v) => v.rule))].sort(), violations, output });
      },
    );
  });

/** Each fixture and exactly the rules it must break. */
const cases: Record<string, readonly string[]> = {
  'domain-imports-node-crypto': ['domain-is-pure', 'domain-no-core-modules'],
  'domain-imports-adapter': ['domain-is-pure'],
  'application-imports-adapter': ['application-talks-to-ports'],
  'application-imports-aws-sdk': ['application-talks-to-ports', 'aws-sdk-only-in-adapters'],
  'application-imports-node-fs': ['application-no-core-modules', 'application-talks-to-ports'],
  'inversify-outside-entrypoints': ['inversify-only-in-entrypoints'],
  'adapter-imports-entrypoint': ['adapters-not-entrypoints'],
  'composition-imports-local': ['local-runtime-only-from-local'],
  cycle: ['no-cycles'],
  unresolvable: ['not-to-unresolvable'],
};

const results = new Map<string, Cruise>();

describe('dependency-cruiser rules', () => {
  beforeAll(async () => {
    // A few at a time: each run is a fresh node process that loads TypeScript (~1 s of CPU).
    const queue = ['clean', ...Object.keys(cases)];
    const worker = async () => {
      for (let fixture = queue.shift(); fixture !== undefined; fixture = queue.shift())
        results.set(fixture, await cruise(fixture));
    };
    await Promise.all([worker(), worker(), worker()]);
  }, 120_000);

  it('a clean hexagon (domain → zod, application → domain, adapter → AWS SDK, entrypoint → inversify) passes', () => {
    const clean = results.get('clean')!;
    expect(clean.violations, clean.output).toEqual([]);
    expect(clean.output).toContain('no dependency violations found');
    expect(clean.exitCode).toBe(0);
  });

  it.each(Object.entries(cases))('%s breaks exactly %j and fails the run', (fixture, rules) => {
    const result = results.get(fixture)!;
    expect(result.rules, result.output).toEqual([...rules].sort());
    // depcruise exits with the number of errors: what makes `npm run arch` (and CI) fail.
    expect(result.exitCode).toBe(result.violations.length);
    expect(result.exitCode).toBeGreaterThan(0);
  });

  it('the violations name the offending file', () => {
    expect(results.get('domain-imports-adapter')!.violations).toEqual([
      { rule: 'domain-is-pure', from: 'src/domain/order.ts' },
    ]);
    expect(results.get('inversify-outside-entrypoints')!.violations).toEqual([
      { rule: 'inversify-only-in-entrypoints', from: 'src/adapters/in-memory/order-store.ts' },
    ]);
    // The local runtime's own import of local settings is allowed; the composition root's and the Lambda's are not.
    expect(
      [...results.get('composition-imports-local')!.violations].sort((a, b) => a.from.localeCompare(b.from)),
    ).toEqual([
      { rule: 'local-runtime-only-from-local', from: 'src/entrypoints/composition/order.aws.module.ts' },
      { rule: 'local-runtime-only-from-local', from: 'src/entrypoints/lambda/order.handler.ts' },
    ]);
    expect(results.get('cycle')!.output).toMatch(
      /src\/domain\/order\.ts →\s+src\/domain\/seat\.ts →\s+src\/domain\/order\.ts/,
    );
  });
});
