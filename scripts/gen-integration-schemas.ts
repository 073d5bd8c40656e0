/**
 * `npm run gen:integration-schemas`: writes the JSON Schema of every integration event type to
 * docs/integration/ (see scripts/integration-schemas.ts). `-- --check` writes nothing and exits 1
 * naming each file that is missing, stale or no longer generated (the unit test does the same).
 */
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { INTEGRATION_SCHEMA_DIR, renderIntegrationSchemas } from './integration-schemas.js';

const check = process.argv.includes('--check');
const wanted = renderIntegrationSchemas();
mkdirSync(INTEGRATION_SCHEMA_DIR, { recursive: true });
const present = readdirSync(INTEGRATION_SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));
const problems: string[] = [];
for (const [file, text] of Object.entries(wanted)) {
  const path = join(INTEGRATION_SCHEMA_DIR, file);
  let current: string | null = null;
  try {
    current = readFileSync(path, 'utf8');
  } catch {
    current = null;
  }
  if (current === text) continue;
  if (check) problems.push(`${path} is ${current === null ? 'missing' : 'stale'}`);
  else writeFileSync(path, text);
}
for (const file of present.filter((f) => !(f in wanted))) {
  if (check) problems.push(`${join(INTEGRATION_SCHEMA_DIR, file)} is no longer generated`);
  else rmSync(join(INTEGRATION_SCHEMA_DIR, file));
}
if (problems.length > 0) {
  console.error(`${problems.join('\n')}\nrun npm run gen:integration-schemas and commit docs/integration/`);
  process.exit(1);
}
console.log(`${check ? 'checked' : 'wrote'} ${Object.keys(wanted).length} schemas in ${INTEGRATION_SCHEMA_DIR}/`);
