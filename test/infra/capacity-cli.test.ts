import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { run } from '../../scripts/capacity.js';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The CLI as npm runs it (`tsx scripts/capacity.ts`): a child process, its exit code and streams. */
const cli = (...args: string[]) => {
  const child = spawnSync(process.execPath, ['--import', 'tsx', 'scripts/capacity.ts', ...args], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  return { code: child.status, stdout: child.stdout, stderr: child.stderr };
};

describe('npm run capacity', () => {
  it('no flags: the seed on the defaults, a readable table, the binding constraint, exit 0', () => {
    const { code, stdout, stderr } = cli();
    expect({ code, stderr }).toEqual({ code: 0, stderr: '' });
    expect(stdout).toMatch(/^STATUS +HOP +WHAT +LOAD +LIMIT +UTIL/m);
    expect(stdout).toContain('Binding constraint:');
    expect(stdout).toMatch(/needs-increase +delivery +AppSync outbound messages/);
    expect(stdout).toMatch(/heartbeat cost \$[\d.]+ per viewer-hour/);
  });

  it('exit 1 when a hop is over its limit (the API Gateway broadcaster at the seed load)', () => {
    const { code, stdout } = cli('--broadcaster', 'apigateway');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^over +account +WebSocket stage throttle, \$default route/m);
  });

  it('exit 2 with one clear line on bad flags', () => {
    for (const [args, message] of [
      [['--channels', '0'], /--channels must be greater than 0/],
      [['--viewers', 'many'], /--viewers must be a number/],
      [['--broadcaster', 'iot'], /broadcaster must be appsync-events \| apigateway, got "iot"/],
      [['--context', 'feedShards=-1'], /feedShards must be shards, 1\.\.500/],
      [['--quota', 'nope=3'], /--quota "nope=3" must be id=value/],
      [['--frobnicate'], /Unknown option '--frobnicate'/],
    ] as const) {
      const result = run(args);
      expect(result.code, args.join(' ')).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr.split('\n')).toHaveLength(1);
    }
    const child = cli('--fps', 'x');
    expect(child.code).toBe(2);
    expect(child.stderr.trim()).toBe('capacity: --fps must be a number (see --help)');
  });

  it('--strict fails on a needed increase; --quota with the raised values passes it', () => {
    expect(run(['--strict']).code).toBe(1);
    const raised = run([
      '--strict',
      '--quota',
      'appsync.connect-rate=8334',
      '--quota',
      'appsync.outbound-messages=2000000',
    ]);
    expect(raised.code).toBe(0);
    expect(raised.stdout).toContain('Quota increases needed: none');
  });

  it('--json: the report with its exit code; load flags change the load', () => {
    const { code, stdout } = run(['--json', '--channels', '2', '--viewers', '100', '--join-window', '10']);
    const report = JSON.parse(stdout) as {
      exitCode: number;
      scenario: { load: { channels: number } };
      increases: unknown[];
      hops: { what: string; load: number }[];
    };
    expect(code).toBe(0);
    expect(report.exitCode).toBe(0);
    expect(report.scenario.load.channels).toBe(2);
    expect(report.increases).toEqual([]);
    expect(report.hops.find((h) => h.what === 'AppSync Events WebSocket connects')?.load).toBe(20);
  });

  it('--help prints the flags and exit codes', () => {
    const { code, stdout } = run(['--help']);
    expect(code).toBe(0);
    expect(stdout).toMatch(/--heartbeat <s>/);
    expect(stdout).toMatch(/exit: 0 nothing over its limit/);
  });
});
