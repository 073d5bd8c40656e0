import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isSqliteExperimentalWarning } from '../../../src/entrypoints/cli/sqlite-warning.js';

const root = join(import.meta.dirname, '..', '..', '..');

describe('the SQLite ExperimentalWarning at emulator start', () => {
  it('is recognised by its type and text, and nothing else is', () => {
    expect(
      isSqliteExperimentalWarning(
        'SQLite is an experimental feature and might change at any time',
        'ExperimentalWarning',
      ),
    ).toBe(true);
    expect(isSqliteExperimentalWarning('WASI is an experimental feature', 'ExperimentalWarning')).toBe(false);
    expect(isSqliteExperimentalWarning('SQLite is old', 'DeprecationWarning')).toBe(false);
  });

  it('is dropped while every other warning still prints (a real process, its stderr)', () => {
    const script = [
      "const { dropSqliteExperimentalWarning } = await import('./src/entrypoints/cli/sqlite-warning.ts');",
      'dropSqliteExperimentalWarning();',
      "process.emitWarning('SQLite is an experimental feature and might change at any time', 'ExperimentalWarning');",
      "process.emitWarning('Something else is an experimental feature', 'ExperimentalWarning');",
      "process.emitWarning('old api', { type: 'DeprecationWarning', code: 'X1' });",
    ].join('\n');
    const result = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: root,
      encoding: 'utf8',
    });
    expect(result.status).toBe(0);
    expect(result.stderr).not.toMatch(/SQLite/);
    expect(result.stderr).toMatch(/ExperimentalWarning: Something else is an experimental feature/);
    expect(result.stderr).toMatch(/DeprecationWarning: old api/);
  });
});
