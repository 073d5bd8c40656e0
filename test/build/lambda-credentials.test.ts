import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { defaultProvider } from '../../scripts/build/lambda-credentials.js';

// The credential chain the Lambda bundles carry instead of the SDK's full default chain.
const CREDENTIAL_VARIABLES = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_CREDENTIAL_EXPIRATION',
  'AWS_PROFILE',
  'AWS_CONTAINER_CREDENTIALS_FULL_URI',
  'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN',
  'AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE',
];

const withoutCredentials = (): void => {
  for (const v of CREDENTIAL_VARIABLES) vi.stubEnv(v, undefined);
};

let server: Server | undefined;
afterEach(async () => {
  vi.unstubAllEnvs();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

/** A container credentials endpoint on a free loopback port; returns its URL and the requests it saw. */
const credentialsEndpoint = async (): Promise<{ url: string; authorizations: (string | undefined)[] }> => {
  const authorizations: (string | undefined)[] = [];
  server = createServer((req, res) => {
    authorizations.push(req.headers.authorization);
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        AccessKeyId: 'AKIDCONTAINER',
        SecretAccessKey: 'container-secret',
        Token: 'container-token',
        Expiration: '2099-01-01T00:00:00Z',
      }),
    );
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/creds`, authorizations };
};

describe('the Lambda bundles’ credential chain', () => {
  it('takes the execution role’s credentials from the environment, as Lambda sets them', async () => {
    withoutCredentials();
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret');
    vi.stubEnv('AWS_SESSION_TOKEN', 'env-token');
    expect(await defaultProvider()()).toMatchObject({
      accessKeyId: 'AKIDENV',
      secretAccessKey: 'env-secret',
      sessionToken: 'env-token',
    });
  });

  it('falls back to a container credentials endpoint, sending its authorization token', async () => {
    withoutCredentials();
    const endpoint = await credentialsEndpoint();
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url);
    vi.stubEnv('AWS_CONTAINER_AUTHORIZATION_TOKEN', 'token-123');
    const credentials = await defaultProvider()();
    expect(credentials).toMatchObject({
      accessKeyId: 'AKIDCONTAINER',
      secretAccessKey: 'container-secret',
      sessionToken: 'container-token',
    });
    expect(credentials.expiration?.toISOString()).toBe('2099-01-01T00:00:00.000Z');
    expect(endpoint.authorizations).toEqual(['token-123']);
  });

  it('prefers the environment over the endpoint when both are set', async () => {
    withoutCredentials();
    const endpoint = await credentialsEndpoint();
    vi.stubEnv('AWS_CONTAINER_CREDENTIALS_FULL_URI', endpoint.url);
    vi.stubEnv('AWS_ACCESS_KEY_ID', 'AKIDENV');
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'env-secret');
    expect((await defaultProvider()()).accessKeyId).toBe('AKIDENV');
    expect(endpoint.authorizations).toEqual([]);
  });

  it('fails saying which sources it looked at when there is neither', async () => {
    withoutCredentials();
    await expect(defaultProvider()()).rejects.toThrow(
      /no credentials: neither AWS_ACCESS_KEY_ID\/AWS_SECRET_ACCESS_KEY nor a container credentials endpoint/,
    );
  });
});
