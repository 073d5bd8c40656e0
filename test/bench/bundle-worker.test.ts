import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { bundleWorker } from '../../bench/lib/bundle-worker.js';

const dir = fileURLToPath(new URL('./fixtures/stub/', import.meta.url));
const root = process.cwd();
const outName = 'bundle-worker.test.mjs';

afterAll(() => rmSync(join(root, 'bench', '.build', outName), { force: true }));

describe('bundleWorker', () => {
  it('fails on a module that does not build', async () => {
    await expect(bundleWorker(root, join(dir, 'entry.js'), { outName })).rejects.toThrow(/broken\.js/);
  });

  it('builds and runs with that module stubbed, so the other targets can still be measured', async () => {
    const file = await bundleWorker(root, join(dir, 'entry.js'), {
      outName,
      stubs: { [join(dir, 'broken.js')]: "export const value = 'stubbed';" },
    });
    expect(execFileSync(process.execPath, [file], { encoding: 'utf8' }).trim()).toBe('stubbed');
  });
});
