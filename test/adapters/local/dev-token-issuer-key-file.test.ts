import { statSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { JoseTokenVerifier } from '../../../src/adapters/jwt/token-verifier-adapter-jose.js';
import { DevTokenIssuer } from '../../../src/adapters/local/dev-token-issuer.js';

let dir = '';
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'stampede-devkey-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const verifierOf = (issuer: DevTokenIssuer) =>
  new JoseTokenVerifier({ issuer: issuer.issuer, audience: issuer.audience, keys: issuer.publicKeys() });

describe('DevTokenIssuer with a key file (a data dir)', () => {
  it('creates the key file readable by its owner only, and a later issuer on it accepts the old tokens', async () => {
    const keyFile = join(dir, 'data', 'dev-signing-key.json');
    const before = await DevTokenIssuer.create({ keyFile });
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    const { token } = await before.issue('alice');

    const after = await DevTokenIssuer.create({ keyFile });
    expect(after.publicKeys()).toEqual(before.publicKeys());
    expect((await verifierOf(after).verify(token)).subject).toBe('alice');
    // And the other way round: the reloaded key signs what the first issuer's keys accept.
    expect((await verifierOf(before).verify((await after.issue('bob')).token)).subject).toBe('bob');
  });

  it('without a key file, each issuer has its own key: old tokens are refused', async () => {
    const { token } = await (await DevTokenIssuer.create()).issue('alice');
    await expect(verifierOf(await DevTokenIssuer.create()).verify(token)).rejects.toThrow();
  });

  it('refuses a key file that is not a signing key, saying what to do', async () => {
    const keyFile = join(dir, 'dev-signing-key.json');
    writeFileSync(keyFile, JSON.stringify({ kid: 'x', privateJwk: { kty: 'EC' } }));
    await expect(DevTokenIssuer.create({ keyFile })).rejects.toThrow(/not a development signing key; delete it/);
  });
});
