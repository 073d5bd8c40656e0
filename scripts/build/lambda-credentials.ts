/**
 * What the Lambda bundles get in place of `@aws-sdk/credential-provider-node` (the build redirects
 * that import here, see bundle.ts): the SDK's own environment and container providers, without
 * the rest of the default chain.
 *
 * Why: the default chain also carries the SSO, INI-profile, login, process and web-identity
 * providers with the STS/SSO clients they call (`@aws-sdk/nested-clients`), 90–135 KiB per
 * bundle. The chain imports them statically, so esbuild puts them in the code loaded at init
 * (code splitting moves only dynamically imported code to lazy chunks), although a Lambda
 * function never uses them: Lambda puts the execution role's credentials in
 * AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN ("Defined runtime environment
 * variables", https://docs.aws.amazon.com/lambda/latest/dg/configuration-envvars.html#configuration-envvars-runtime).
 * The container endpoint (AWS_CONTAINER_CREDENTIALS_FULL_URI / _RELATIVE_URI) is kept second for
 * environments that hand credentials out over HTTP instead. Local runs and tests do not go
 * through here: they import the SDK's full chain from node_modules.
 *
 * Only the chain is written here; each provider, and the chaining, are the SDK's. The SDK client
 * caches what this returns until its expiration, as it does for the default chain.
 */
import { fromEnv } from '@aws-sdk/credential-provider-env';
import { fromHttp } from '@aws-sdk/credential-provider-http';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@aws-sdk/types';
import { chain, CredentialsProviderError } from '@smithy/core/config';

type Init = NonNullable<Parameters<typeof fromEnv>[0]> & NonNullable<Parameters<typeof fromHttp>[0]>;

const nothingFound = (init: Init) => async (): Promise<AwsCredentialIdentity> => {
  throw new CredentialsProviderError(
    'no credentials: neither AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY nor a container credentials endpoint is set ' +
      '(this Lambda bundle carries only those two providers of the default chain)',
    { tryNextLink: false, ...(init.logger ? { logger: init.logger } : {}) },
  );
};

// fromHttp checks its settings when called (throwing when no endpoint is set) and its provider
// closes its HTTP handler after one use, so it is built anew on each attempt, as the SDK's chain does.
const fromContainer = (init: Init) => async (): Promise<AwsCredentialIdentity> => fromHttp(init)();

export const defaultProvider = (init: Init = {}): AwsCredentialIdentityProvider =>
  chain(fromEnv(init), fromContainer(init), nothingFound(init));

/** Same meaning as the SDK's exports of these names (a few SDK modules import them). */
export const credentialsWillNeedRefresh = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined;
export const credentialsTreatedAsExpired = (credentials?: AwsCredentialIdentity): boolean =>
  credentials?.expiration !== undefined && credentials.expiration.getTime() - Date.now() < 300_000;
