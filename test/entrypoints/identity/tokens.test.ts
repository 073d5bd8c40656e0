import { describe, expect, it } from 'vitest';
import { channelStreamId } from '../../../src/domain/channel/index.js';
import { TokenVerificationUnavailableError } from '../../../src/application/ports/token-verifier.port.js';
import { createLocalContainer, LOCAL_TOKENS } from '../../../src/entrypoints/local/local.container.js';
import { TOKENS } from '../../../src/entrypoints/composition/tokens.js';
import { makeWsAuthorizerHandler } from '../../../src/entrypoints/handlers/ws-authorizer.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';
import { EXPECTED_PROBLEM, forgedTokens } from '../../support/forged-tokens.js';
import { inMemorySystem } from '../../support/in-memory-system.js';

const BAD = Object.keys(EXPECTED_PROBLEM) as (keyof typeof EXPECTED_PROBLEM)[];
const silent = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
const ARN = 'arn:aws:execute-api:eu-west-1:123456789012:abc/live/$connect';

describe('tokens at the edges', () => {
  it('refuses expired, tampered, alg:none, wrongly signed, foreign and garbage tokens on the HTTP API with 401 naming the problem, and changes nothing', async () => {
    const s = await inMemorySystem();
    const tokens = await forgedTokens(s.issuer, s.clock.now(), 'mina');
    const store = s.container.get(LOCAL_TOKENS.InMemoryEventStore);
    for (const kind of BAD) {
      const res = await s.http('POST /api/channels', {
        body: { channelId: 'c1', title: 'T', currency: 'KRW' },
        token: tokens[kind],
      });
      expect(res.status, kind).toBe(401);
      expect(res.body?.error, kind).toMatchObject({ code: 'UNAUTHENTICATED', problem: EXPECTED_PROBLEM[kind] });
      expect(res.headers['www-authenticate'], kind).toMatch(/^Bearer error="invalid_token"/);
    }
    expect(store.streamIds()).toEqual([]);
    expect(
      (
        await s.http('POST /api/channels', {
          body: { channelId: 'c1', title: 'T', currency: 'KRW' },
          token: tokens.valid,
        })
      ).status,
    ).toBe(201);
    expect((await store.read(channelStreamId('c1'))).version).toBe(1);
  });

  it('refuses every bad token at $connect (401), before any connection exists', async () => {
    const s = await inMemorySystem();
    const tokens = await forgedTokens(s.issuer, s.clock.now());
    for (const kind of BAD.filter((k) => k !== 'empty')) {
      const attempt = await s.connect({ token: tokens[kind] });
      expect(attempt.refused, kind).toBe(401);
    }
    const good = await s.connect({ token: tokens.valid });
    expect(good.refused).toBeNull();
  });

  it('refuses an unauthenticated $connect when a token is required, and accepts a signed one', async () => {
    const s = await inMemorySystem({ allowAnonymousViewers: false });
    expect(await s.connect()).toMatchObject({ refused: 401 });
    expect(await s.connect({ token: 'anonymous' })).toMatchObject({ refused: 401 });
    const alice = await s.connectAs('alice');
    await alice.send({ action: 'join', channelId: 'c1' });
    expect(alice.frames()).toEqual([expect.objectContaining({ type: 'joined' })]);
  });

  it('ws-authorizer: allows with the subject as context.userId, anonymous without a userId, and fails closed', async () => {
    const s = await inMemorySystem();
    const token = await s.tokenFor('alice');
    const allowed = await s.wsAuthorizer({ methodArn: ARN, queryStringParameters: { token } });
    expect(allowed).toEqual({
      principalId: 'alice',
      policyDocument: {
        Version: '2012-10-17',
        Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: ARN }],
      },
      context: { userId: 'alice', anonymous: false, expiresAt: expect.any(Number) },
    });
    // Non-browser clients may send the header instead.
    expect((await s.wsAuthorizer({ methodArn: ARN, headers: { Authorization: `Bearer ${token}` } })).principalId).toBe(
      'alice',
    );
    const anonymous = await s.wsAuthorizer({ methodArn: ARN, headers: { Host: 'x' } });
    expect(anonymous.context).toEqual({ anonymous: true });
    expect(anonymous.principalId).toBe('anonymous');
    await expect(s.wsAuthorizer({ queryStringParameters: { token } })).rejects.toThrow(/^Unauthorized$/);
    await expect(s.wsAuthorizer({ methodArn: ARN, queryStringParameters: { token: 'x.y.z' } })).rejects.toThrow(
      /^Unauthorized$/,
    );

    const unavailable = makeWsAuthorizerHandler({
      verifier: { verify: async () => Promise.reject(new TokenVerificationUnavailableError('jwks down')) },
      allowAnonymous: true,
      logger: silent,
    });
    // Not "Unauthorized" (a 401 would tell the client its token is bad): API Gateway answers 500.
    await expect(unavailable({ methodArn: ARN, queryStringParameters: { token } })).rejects.toThrow('jwks down');
  });

  it('gives the ws-message handler only the context userId: an anonymous principal is never a user', async () => {
    const s = await inMemorySystem();
    const viewer = await s.connect();
    if (viewer.refused !== null) throw new Error('refused');
    await viewer.send({ action: 'join', channelId: 'c1' });
    expect(await s.container.get(LOCAL_TOKENS.ConnectionRegistry).get(viewer.connectionId)).toMatchObject({
      userId: null,
    });
  });

  it('the development issuer exists only in the local runtime: a Lambda container has no /api/dev routes', () => {
    const container = createLocalContainer({ config: parseLocalConfig({ logLevel: 'SILENT' }) });
    expect(
      container
        .get(TOKENS.HttpRouter)
        .keys()
        .filter((k) => k.includes('/api/dev')),
    ).toEqual([]);
  });
});
