/**
 * `npx tsx bench/tools/cpu-profile-top.ts <file.cpuprofile> [count]`
 * Top functions by self time in a V8 CPU profile (from `node --cpu-prof`, or
 * `npm run bench -- <name> --cpu-prof=1`, which writes to bench/results/profiles/).
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const [file, countArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: cpu-profile-top.ts <file.cpuprofile> [count]');
  process.exit(2);
}
/** esbuild marks each bundled module with a `// path/to/file.ts` line: map a bundle line back to it. */
const bundleLines = new Map<string, string[]>();
const sourceOf = (url: string, line: number): string | null => {
  if (!url.startsWith('file://') || !url.endsWith('.mjs')) return null;
  let lines = bundleLines.get(url);
  if (!lines) {
    const path = fileURLToPath(url);
    lines = existsSync(path) ? readFileSync(path, 'utf8').split('\n') : [];
    bundleLines.set(url, lines);
  }
  for (let i = Math.min(line, lines.length - 1); i >= 0; i--) {
    const m = /^\/\/ ((?:src|bench)\/\S+\.ts)$/.exec(lines[i] ?? '');
    if (m) return m[1] ?? null;
  }
  return null;
};

const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const self = new Map<string, number>();
let total = 0;
profile.samples.forEach((id, i) => {
  const dt = profile.timeDeltas[i] ?? 0;
  total += dt;
  const n = byId.get(id);
  if (!n) return;
  const { functionName, url, lineNumber } = n.callFrame;
  const source = sourceOf(url, lineNumber);
  const short = url.replace(/^file:\/\/.*?\/(node_modules|src|bench)\//, '$1/');
  const where = source ? `${source} (${short}:${lineNumber + 1})` : url ? `${short}:${lineNumber + 1}` : '';
  const key = `${functionName || '(anonymous)'}  ${where}`;
  self.set(key, (self.get(key) ?? 0) + dt);
});
const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(countArg ?? 30));
console.log(`total ${(total / 1000).toFixed(0)} ms sampled`);
for (const [key, us] of top)
  console.log(`${((us / total) * 100).toFixed(1).padStart(5)} %  ${(us / 1000).toFixed(1).padStart(8)} ms  ${key}`);
