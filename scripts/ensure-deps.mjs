// Runs before `npm start` / `npm test` (pre-scripts), on whatever node the machine has, so
// that the README's two commands work from a fresh clone: it installs exactly the locked
// dependencies (`npm ci`) when node_modules is missing or older than package-lock.json.
import { createHash } from 'node:crypto';
import { execSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.stampede-lock-hash');
const hash = createHash('sha256').update(readFileSync(lock)).digest('hex');

if (existsSync(stamp) && readFileSync(stamp, 'utf8') === hash) process.exit(0);

// Installed by hand (`npm ci`, as docs/DEPLOY.md starts): npm's own record of what is in
// node_modules (node_modules/.package-lock.json) has every locked package at its locked version.
// Then there is nothing to install: keep the stamp and go on, rather than install a second time.
const installedFromLock = () => {
  try {
    const want = JSON.parse(readFileSync(lock, 'utf8')).packages ?? {};
    const have = JSON.parse(readFileSync(join(root, 'node_modules', '.package-lock.json'), 'utf8')).packages ?? {};
    return Object.entries(want).every(
      ([path, p]) => path === '' || (have[path] ? have[path].version === p.version : Boolean(p.optional || p.devOptional)),
    );
  } catch {
    return false;
  }
};
if (installedFromLock()) {
  writeFileSync(stamp, hash);
  process.exit(0);
}
const started = Date.now();
console.log('[stampede] installing locked dependencies (npm ci), once per package-lock change…');
execSync('npm ci --no-audit --no-fund --loglevel=error', { cwd: root, stdio: 'inherit' });
writeFileSync(stamp, hash);
console.log(`[stampede] dependencies installed in ${((Date.now() - started) / 1000).toFixed(1)} s`);
