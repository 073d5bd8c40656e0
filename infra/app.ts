/**
 * The CDK app (`npx cdk synth|deploy`, see cdk.json and docs/DEPLOY.md). Environment-agnostic:
 * no account or Region is resolved at synth time, so no lookups and no AWS credentials are needed
 * to synthesize. Settings come from context (`-c key=value`), listed in docs/DEPLOY.md.
 *
 * Code: the prebuilt bundles in dist/lambda. Missing bundles are built first (esbuild, seconds);
 * an entrypoint whose source does not exist yet fails synth unless `-c placeholderCode=true`.
 */
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Annotations } from 'aws-cdk-lib';
import { LAMBDA_NAMES, type LambdaName } from '../src/entrypoints/composition/config.js';
import { bundleCode, defaultDistDir, missingBundles, placeholderCode, runBuild, staleBundles } from './lambda-code.js';
import { assertAppContextValues, assertKnownContextKeys } from './app-context.js';
import type { IdentityProps } from './apis.construct.js';
import { parseStackSettings, type StackSettings } from './stack-settings.js';
import { NOT_DEPLOYED, NOT_DEPLOYED_BY_INGRESS, StampedeStack } from './stampede.stack.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const app = new App();

const context = (key: string): string | undefined => {
  const value: unknown = app.node.tryGetContext(key);
  return value === undefined || value === null || value === '' ? undefined : String(value);
};
const flag = (key: string): boolean => context(key) === 'true';

/**
 * Every context value is checked before anything is built: an unknown key (a typo), a bad value
 * or half an identity stops the synth with one line per problem (exit code 2), no stack trace
 * unless `-c verbose=true`. The CDK CLI adds its own "Subprocess exited with error 2" line.
 */
const checkedContext = (): { settings: StackSettings; identity: IdentityProps | undefined } => {
  try {
    assertKnownContextKeys(app.node.getAllContext() as Record<string, unknown>);
    assertAppContextValues(context);
    // Capacity tunables (shards, concurrency, throttles, broadcaster, presence): parsed and checked
    // by the module the capacity model (`npm run capacity`) evaluates too.
    const settings = parseStackSettings((key) => app.node.tryGetContext(key));
    const issuerUrl = context('identityIssuerUrl');
    const audience = context('identityAudience');
    const identity =
      issuerUrl !== undefined && audience !== undefined
        ? { issuerUrl, audience, allowAnonymousViewers: context('allowAnonymousViewers') !== 'false' }
        : undefined;
    return { settings, identity };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    console.error(
      message
        .split('\n')
        .map((line) => `[stampede] ${line}`)
        .join('\n'),
    );
    if (flag('verbose') && error instanceof Error) console.error(error.stack);
    process.exit(2);
  }
};
const { settings, identity } = checkedContext();
const positiveInt = (key: string): number | undefined =>
  context(key) === undefined ? undefined : Number(context(key));
const broadcaster = settings.broadcaster;
const names: LambdaName[] = LAMBDA_NAMES.filter(
  (n) =>
    (n !== 'ws-authorizer' || identity !== undefined) &&
    !NOT_DEPLOYED[broadcaster].includes(n) &&
    !NOT_DEPLOYED_BY_INGRESS[settings.presence.ingress].includes(n),
);

const allowPlaceholders = flag('placeholderCode');
// -c distDir=… deploys bundles built elsewhere (e.g. a CI artifact); default dist/lambda.
const distDir = resolve(context('distDir') ?? defaultDistDir(ROOT));
if (missingBundles(distDir, names).length > 0) {
  console.error(
    `[stampede] bundles missing in ${distDir} (${missingBundles(distDir, names).join(', ')}): running the build first`,
  );
  // Missing entrypoints are judged below (ws-authorizer is only needed with identity);
  // any other build failure — over budget, a bundle that does not load — stops the synth.
  if (!runBuild(ROOT, distDir, true)) throw new Error('the build failed (output above): fix it before synthesizing');
}
const missing = missingBundles(distDir, names);
if (missing.length > 0 && !allowPlaceholders) {
  throw new Error(
    `no bundle for ${missing.join(', ')} in ${distDir} and the build could not make one (output above). ` +
      'Fix the build, or synthesize with -c placeholderCode=true to inspect the template (never deploy that).',
  );
}
const assets = bundleCode(distDir);

const stack = new StampedeStack(app, context('stackName') ?? 'Stampede', {
  description: 'Stampede: event-sourced live commerce fan-out, viewer counts, booking and recommendations',
  code: (name) => (missing.includes(name) ? placeholderCode(name) : assets(name)),
  ...(identity === undefined ? {} : { identity }),
  extraAllowedOrigins: (context('allowedOrigins') ?? '')
    .split(',')
    .map((o) => o.trim())
    .filter(Boolean),
  ...(context('redisUrl') === undefined ? {} : { redisUrl: context('redisUrl') }),
  ...(context('alarmEmail') === undefined ? {} : { alarmEmail: context('alarmEmail') }),
  ...(positiveInt('recommendCacheTtlSeconds') === undefined
    ? {}
    : { recommendCacheTtlSeconds: positiveInt('recommendCacheTtlSeconds') }),
  settings,
  ephemeral: flag('ephemeral'),
  ...(context('logLevel') === undefined ? {} : { logLevel: context('logLevel') }),
});

for (const name of missing) {
  Annotations.of(stack.functions.get(name)).addWarningV2(
    'stampede:placeholder-code',
    `${name} uses placeholder code (no bundle): every invocation fails. Do not deploy this; run npm run build.`,
  );
}
const present = names.filter((n) => !missing.includes(n));
const stale = present.length > 0 ? staleBundles(ROOT, distDir, present) : [];
if (stale.length > 0) {
  Annotations.of(stack).addWarningV2(
    'stampede:stale-bundles',
    `bundles older than src/: ${stale.join(', ')}. Run npm run build before deploying.`,
  );
}
