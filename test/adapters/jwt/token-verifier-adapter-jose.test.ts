import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DevTokenIssuer } from '../../../src/adapters/local/dev-token-issuer.js';
import { defaultJwksUrl, JoseTokenVerifier } from '../../../src/adapters/jwt/token-verifier-adapter-jose.js';
import {
  InvalidTokenError,
  TokenVerificationUnavailableError,
} from '../../../src/application/ports/token-verifier.port.js';
import { EXPECTED_PROBLEM, forgedTokens, type ForgedTokens } from '../../support/forged-tokens.js';

const NOW = 1_800_000_000_000;

const problemOf = async (promise: Promise<unknown>): Promise<string> =>
  promise.then(
    () => 'ACCEPTED',
    (error: unknown) =>
      error instanceof InvalidTokenError ? error.problem : error instanceof Error ? error.name : String(error),
  );

describe('JoseTokenVerifier', () => {
  let issuer: DevTokenIssuer;
  let tokens: ForgedTokens;
  let verifier: JoseTokenVerifier;
  beforeAll(async () => {
    issuer = await DevTokenIssuer.create();
    tokens = await forgedTokens(issuer, NOW);
    verifier = new JoseTokenVerifier({
      issuer: issuer.issuer,
      audience: issuer.audience,
      keys: issuer.publicKeys(),
      now: () => NOW,
    });
  });

  it('accepts a valid token and returns its subject, expiry and claims', async () => {
    const verified = await verifier.verify(tokens.valid);
    expect(verified).toMatchObject({
      subject: 'alice',
      expiresAt: NOW / 1000 + 3_600,
      claims: { iss: issuer.issuer, aud: issuer.audience },
    });
  });

  it.each(Object.entries(EXPECTED_PROBLEM))('refuses a %s token as %s', async (kind, problem) => {
    expect(await problemOf(verifier.verify(tokens[kind as keyof ForgedTokens]))).toBe(problem);
  });

  it('checks Cognito access tokens by client_id when they carry no aud, as API Gateway does', async () => {
    const byClient = new JoseTokenVerifier({
      issuer: issuer.issuer,
      audience: 'app-client',
      keys: issuer.publicKeys(),
      now: () => NOW,
    });
    const accessToken = async (clientId: string) =>
      (await issuer.issue('alice', { now: NOW, audience: null, claims: { client_id: clientId } })).token;
    expect((await byClient.verify(await accessToken('app-client'))).subject).toBe('alice');
    expect(await problemOf(byClient.verify(await accessToken('another-client')))).toBe('WRONG_AUDIENCE');
    // An aud that does not match is not rescued by a matching client_id.
    const both = (await issuer.issue('alice', { now: NOW, audience: 'other', claims: { client_id: 'app-client' } }))
      .token;
    expect(await problemOf(byClient.verify(both))).toBe('WRONG_AUDIENCE');
  });

  it('refuses a token that is valid for one issuer when checked against another', async () => {
    const other = await DevTokenIssuer.create();
    const otherVerifier = new JoseTokenVerifier({
      issuer: other.issuer,
      audience: other.audience,
      keys: other.publicKeys(),
      now: () => NOW,
    });
    expect(await problemOf(otherVerifier.verify(tokens.valid))).toBe('UNKNOWN_KEY');
  });

  describe('with the issuer keys behind a JWKS URL', () => {
    let server: Server | undefined;
    afterEach(async () => {
      await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
      server = undefined;
    });
    const serve = async (answer: (path: string) => { status: number; body: string }) => {
      let fetched = 0;
      server = createServer((req, res) => {
        fetched++;
        const { status, body } = answer(req.url ?? '/');
        res.writeHead(status, { 'content-type': 'application/json' }).end(body);
      });
      await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
      return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, fetched: () => fetched };
    };

    it('fetches the JWKS once and verifies against it', async () => {
      const jwks = await serve(() => ({ status: 200, body: JSON.stringify(issuer.publicKeys()) }));
      const remote = new JoseTokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksUrl: `${jwks.url}/keys`,
        now: () => NOW,
      });
      expect((await remote.verify(tokens.valid)).subject).toBe('alice');
      expect((await remote.verify(tokens.valid)).subject).toBe('alice');
      expect(jwks.fetched()).toBe(1);
      expect(await problemOf(remote.verify(tokens.wrongSignature))).toBe('BAD_SIGNATURE');
    });

    it('fails closed, as unavailable rather than invalid, when the JWKS cannot be fetched', async () => {
      const jwks = await serve(() => ({ status: 503, body: 'down' }));
      const remote = new JoseTokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksUrl: `${jwks.url}/keys`,
        now: () => NOW,
      });
      await expect(remote.verify(tokens.valid)).rejects.toBeInstanceOf(TokenVerificationUnavailableError);
      const closed = new JoseTokenVerifier({
        issuer: issuer.issuer,
        audience: issuer.audience,
        jwksUrl: 'http://127.0.0.1:9/keys',
        now: () => NOW,
      });
      await expect(closed.verify(tokens.valid)).rejects.toBeInstanceOf(TokenVerificationUnavailableError);
    });
  });

  it('derives the conventional JWKS URL from the issuer', () => {
    expect(defaultJwksUrl('https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc')).toBe(
      'https://cognito-idp.eu-west-1.amazonaws.com/eu-west-1_Abc/.well-known/jwks.json',
    );
    expect(defaultJwksUrl('https://issuer.example.com/')).toBe('https://issuer.example.com/.well-known/jwks.json');
  });
});
