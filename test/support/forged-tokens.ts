import { generateKeyPair, SignJWT } from 'jose';
import type { DevTokenIssuer } from '../../src/adapters/local/dev-token-issuer.js';

const b64url = (value: unknown): string =>
  Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const partsOf = (token: string): [string, string, string] => token.split('.') as [string, string, string];

/**
 * Tokens an attacker could send, each refused for its own reason. Built against a real
 * development issuer so that everything but the one defect is right (same kid, issuer,
 * audience, a subject that exists).
 */
export const forgedTokens = async (issuer: DevTokenIssuer, now: number, userId = 'alice') => {
  const valid = (await issuer.issue(userId, { now, ttlSeconds: 3_600 })).token;
  const [header, payload, signature] = partsOf(valid);
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Record<string, unknown>;
  const kid = (JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string }).kid;
  const { privateKey: strangerKey } = await generateKeyPair('RS256');
  const signedByStranger = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .sign(strangerKey);
  const hmacWithPublicKey = await new SignJWT(claims)
    .setProtectedHeader({ alg: 'HS256', kid, typ: 'JWT' })
    .sign(new TextEncoder().encode(JSON.stringify(issuer.publicKeys().keys[0])));
  return {
    valid,
    expired: (await issuer.issue(userId, { now: now - 7_200_000, ttlSeconds: 60 })).token,
    notYetValid: (await issuer.issue(userId, { now: now + 3_600_000, ttlSeconds: 60 })).token,
    /** The payload changed (another subject) under the original signature. */
    tampered: `${header}.${b64url({ ...claims, sub: 'admin' })}.${signature}`,
    /** `alg: none`, no signature. */
    algNone: `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.`,
    /** `alg: none` with the original signature left on. */
    algNoneSigned: `${b64url({ alg: 'none', typ: 'JWT' })}.${payload}.${signature}`,
    /** The issuer's kid, someone else's key. */
    wrongSignature: signedByStranger,
    /** Key confusion: HMAC keyed with the public key. */
    hmacConfusion: hmacWithPublicKey,
    wrongIssuer: (await issuer.issue(userId, { now, issuer: 'https://evil.example.com/' })).token,
    wrongAudience: (await issuer.issue(userId, { now, audience: 'someone-else' })).token,
    badSubject: (await issuer.issue('not a valid id!', { now })).token,
    garbage: 'not.a.jwt',
    empty: '',
  };
};
export type ForgedTokens = Awaited<ReturnType<typeof forgedTokens>>;

/** What each forged token must be refused as (the verifier's problem code). */
export const EXPECTED_PROBLEM: Readonly<Record<Exclude<keyof ForgedTokens, 'valid'>, string>> = {
  expired: 'EXPIRED',
  notYetValid: 'NOT_YET_VALID',
  tampered: 'BAD_SIGNATURE',
  algNone: 'ALG_NOT_ALLOWED',
  algNoneSigned: 'ALG_NOT_ALLOWED',
  wrongSignature: 'BAD_SIGNATURE',
  hmacConfusion: 'ALG_NOT_ALLOWED',
  wrongIssuer: 'WRONG_ISSUER',
  wrongAudience: 'WRONG_AUDIENCE',
  badSubject: 'INVALID_SUBJECT',
  garbage: 'MALFORMED',
  empty: 'MISSING',
};
