import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const SCRIPT = fileURLToPath(new URL('../../scripts/ensure-deps.mjs', import.meta.url));
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/**
 * A project with a lockfile, a node_modules that npm installed from `installed` (its hidden
 * lockfile), and an `npm` on PATH that only records that it was called; then `npm start`'s
 * pre-script runs in it.
 */
const prestart = (installed: Record<string, string> | null): { npmCalls: string; stamped: boolean } => {
  const root = mkdtempSync(join(tmpdir(), 'ensure-deps-'));
  dirs.push(root);
  mkdirSync(join(root, 'scripts'));
  copyFileSync(SCRIPT, join(root, 'scripts', 'ensure-deps.mjs'));
  const locked = { 'node_modules/zod': '4.6.7', 'node_modules/ws': '8.23.0' };
  const lock = (versions: Record<string, string>) =>
    JSON.stringify({
      lockfileVersion: 3,
      packages: { '': {}, ...Object.fromEntries(Object.entries(versions).map(([p, v]) => [p, { version: v }])) },
    });
  writeFileSync(join(root, 'package-lock.json'), lock(locked));
  mkdirSync(join(root, 'node_modules'));
  if (installed) writeFileSync(join(root, 'node_modules', '.package-lock.json'), lock(installed));
  const bin = join(root, 'bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'npm'), `#!/bin/sh\necho "$@" >> "${join(root, 'npm-calls')}"\n`);
  chmodSync(join(bin, 'npm'), 0o755);
  const run = spawnSync(process.execPath, [join(root, 'scripts', 'ensure-deps.mjs')], {
    env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
    encoding: 'utf8',
  });
  expect(run.status, run.stderr).toBe(0);
  const calls = join(root, 'npm-calls');
  return {
    npmCalls: existsSync(calls) ? readFileSync(calls, 'utf8') : '',
    stamped: existsSync(join(root, 'node_modules', '.stampede-lock-hash')),
  };
};

describe('npm start after npm ci installs nothing more (scripts/ensure-deps.mjs)', () => {
  it('trusts node_modules that npm installed from this very lockfile', () => {
    expect(prestart({ 'node_modules/zod': '4.6.7', 'node_modules/ws': '8.23.0' })).toEqual({
      npmCalls: '',
      stamped: true,
    });
  });

  it('installs when a package is at another version, or missing', () => {
    expect(prestart({ 'node_modules/zod': '4.6.6', 'node_modules/ws': '8.23.0' }).npmCalls).toMatch(/^ci /);
    expect(prestart({ 'node_modules/zod': '4.6.7' }).npmCalls).toMatch(/^ci /);
  });

  it('installs when nothing was installed yet', () => {
    expect(prestart(null).npmCalls).toMatch(/^ci /);
  });
});
