import { closest } from '../src/entrypoints/cli/command-line.js';
import { STACK_CONTEXT_KEYS } from './stack-settings.js';

/**
 * The CDK app's own context keys (`-c key=value`) beside the capacity tunables of
 * stack-settings.ts, with what each accepts; docs/DEPLOY.md describes them. A key in neither
 * table is refused: a misspelled `-c feedShard=4` must not deploy the default silently.
 */
export const APP_CONTEXT_KEYS = {
  stackName: 'a stack name',
  identityIssuerUrl: 'an https:// issuer URL (with identityAudience)',
  identityAudience: 'the token audience (with identityIssuerUrl)',
  allowAnonymousViewers: 'true | false',
  allowedOrigins: 'origins, comma-separated',
  redisUrl: 'redis:// or rediss:// URL',
  alarmEmail: 'an e-mail address',
  recommendCacheTtlSeconds: 'a positive integer',
  ephemeral: 'true | false',
  logLevel: 'TRACE | DEBUG | INFO | WARN | ERROR | CRITICAL | SILENT',
  distDir: 'a directory of built bundles',
  placeholderCode: 'true | false',
  /** Stack traces on a refused context (they are one line otherwise). */
  verbose: 'true | false',
} as const;

export const KNOWN_CONTEXT_KEYS: readonly string[] = [
  ...Object.keys(STACK_CONTEXT_KEYS),
  ...Object.keys(APP_CONTEXT_KEYS),
];

/** The synth cannot start with this context: printed as one line, exit code 2. */
export class ContextError extends Error {
  override readonly name = 'ContextError';
}

/**
 * Keys the CDK itself puts in the context: feature flags (`@aws-cdk/…:…`), its own settings
 * (`aws:cdk:…`), cached lookups (`availability-zones:account=…`), cdk.json's `cli-telemetry`.
 */
const isCdkOwn = (key: string): boolean =>
  key.includes(':') || key.startsWith('@') || ['cli-telemetry', 'acknowledged-issue-numbers'].includes(key);

/** Refuses a context key the app does not read, naming the closest known one. */
export const assertKnownContextKeys = (all: Readonly<Record<string, unknown>>): void => {
  const unknown = Object.keys(all).filter((k) => !isCdkOwn(k) && !KNOWN_CONTEXT_KEYS.includes(k));
  if (unknown.length === 0) return;
  throw new ContextError(
    unknown
      .map((k) => {
        const guess = closest(k, KNOWN_CONTEXT_KEYS);
        return `unknown context key "${k}" (-c ${k}=…)${guess ? `: did you mean ${guess}?` : ''} docs/DEPLOY.md lists every key`;
      })
      .join('\n'),
  );
};

const BOOLEAN = /^(true|false)$/;

/** The app's own values, checked before anything is built. */
export const assertAppContextValues = (read: (key: string) => string | undefined): void => {
  const problems: string[] = [];
  for (const key of ['allowAnonymousViewers', 'ephemeral', 'placeholderCode', 'verbose'] as const) {
    const value = read(key);
    if (value !== undefined && !BOOLEAN.test(value))
      problems.push(`${key} must be ${APP_CONTEXT_KEYS[key]}, got "${value}"`);
  }
  const level = read('logLevel');
  if (level !== undefined && !/^(TRACE|DEBUG|INFO|WARN|ERROR|CRITICAL|SILENT)$/i.test(level))
    problems.push(`logLevel must be ${APP_CONTEXT_KEYS.logLevel}, got "${level}"`);
  const ttl = read('recommendCacheTtlSeconds');
  if (ttl !== undefined && !(Number.isInteger(Number(ttl)) && Number(ttl) > 0))
    problems.push(`recommendCacheTtlSeconds must be ${APP_CONTEXT_KEYS.recommendCacheTtlSeconds}, got "${ttl}"`);
  const redis = read('redisUrl');
  if (redis !== undefined && !(URL.canParse(redis) && ['redis:', 'rediss:'].includes(new URL(redis).protocol)))
    problems.push(`redisUrl must be a ${APP_CONTEXT_KEYS.redisUrl}`);
  const issuer = read('identityIssuerUrl');
  if (issuer !== undefined && !(URL.canParse(issuer) && new URL(issuer).protocol === 'https:'))
    problems.push(`identityIssuerUrl must be ${APP_CONTEXT_KEYS.identityIssuerUrl}, got "${issuer}"`);
  if ((issuer === undefined) !== (read('identityAudience') === undefined))
    problems.push('identity needs both -c identityIssuerUrl=https://… and -c identityAudience=…, or neither');
  const email = read('alarmEmail');
  if (email !== undefined && !/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
    problems.push(`alarmEmail must be ${APP_CONTEXT_KEYS.alarmEmail}, got "${email}"`);
  if (problems.length > 0) throw new ContextError(problems.map((p) => `invalid CDK context: ${p}`).join('\n'));
};
