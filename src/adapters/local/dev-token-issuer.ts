import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type CryptoKey, type JSONWebKeySet, type JWK } from 'jose';

/** The development issuer's `iss`: a URN, so no one mistakes it for a real identity provider. */
export const DEV_ISSUER = 'urn:stampede:local-dev-issuer';
/** The audience its tokens carry and the local runtime expects. */
export const DEV_AUDIENCE = 'stampede-local';
/** The signing key's file name in a data dir. */
export const DEV_SIGNING_KEY_FILE = 'dev-signing-key.json';
/** Default lifetime of a demo token. */
export const DEV_TOKEN_TTL_SECONDS = 3_600;

export interface IssuedToken {
  readonly token: string;
  readonly userId: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

export interface DevTokenOptions {
  readonly ttlSeconds?: number;
  /** Epoch ms the token is issued at (tests make expired tokens with it). */
  readonly now?: number;
  /** Overrides for negative tests: another issuer or audience than the runtime trusts (null: no `aud`). */
  readonly issuer?: string;
  readonly audience?: string | null;
  /** Extra claims (e.g. Cognito's `client_id`, `cognito:groups`). */
  readonly claims?: Readonly<Record<string, unknown>>;
}

/** What the key file holds: the private key as a JWK, and its key id. */
interface StoredKey {
  readonly kid: string;
  readonly privateJwk: JWK;
}

/**
 * A throwaway OIDC-like issuer for `npm start` and tests: an RSA key pair generated when the
 * local runtime starts (kept only with `keyFile`, a data dir's, so tokens outlive a restart;
 * never used outside local mode), RS256 tokens for any
 * user id asked for, and its public JWKS. It exists so pages and tests exercise the real token
 * path — signature, issuer, audience, expiry — instead of a trusted `?userId=`. Nothing in
 * the AWS composition root references it.
 */
export class DevTokenIssuer {
  private constructor(
    private readonly privateKey: CryptoKey,
    private readonly jwks: JSONWebKeySet,
    private readonly kid: string,
  ) {}

  /**
   * A new key pair; with `keyFile`, the key stored there (created, mode 0600, if missing), so
   * tokens issued before a restart stay valid after it.
   */
  static async create(options: { keyFile?: string } = {}): Promise<DevTokenIssuer> {
    const stored = options.keyFile ? readStoredKey(options.keyFile) : undefined;
    if (stored) {
      const privateKey = (await importJWK(stored.privateJwk, 'RS256')) as CryptoKey;
      const { kty, n, e } = stored.privateJwk;
      const jwk = { kty, n, e, kid: stored.kid, alg: 'RS256', use: 'sig' } as JWK;
      return new DevTokenIssuer(privateKey, { keys: [jwk] }, stored.kid);
    }
    const { publicKey, privateKey } = await generateKeyPair('RS256', {
      modulusLength: 2048,
      extractable: options.keyFile !== undefined,
    });
    const kid = `dev-${randomUUID()}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
    if (options.keyFile) {
      const written = writeStoredKey(options.keyFile, { kid, privateJwk: await exportJWK(privateKey) });
      // Another process wrote the file first (it cannot be: the data dir is locked), use theirs.
      if (!written) return DevTokenIssuer.create(options);
    }
    return new DevTokenIssuer(privateKey, { keys: [jwk] }, kid);
  }

  get issuer(): string {
    return DEV_ISSUER;
  }

  get audience(): string {
    return DEV_AUDIENCE;
  }

  /** The public keys (served at `GET /api/dev/jwks.json`). */
  publicKeys(): JSONWebKeySet {
    return structuredClone(this.jwks);
  }

  async issue(userId: string, options: DevTokenOptions = {}): Promise<IssuedToken> {
    const issuedAt = Math.floor((options.now ?? Date.now()) / 1000);
    const expiresAt = issuedAt + (options.ttlSeconds ?? DEV_TOKEN_TTL_SECONDS);
    const jwt = new SignJWT({ token_use: 'access', ...options.claims })
      .setProtectedHeader({ alg: 'RS256', kid: this.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(options.issuer ?? DEV_ISSUER);
    if (options.audience !== null) jwt.setAudience(options.audience ?? DEV_AUDIENCE);
    const token = await jwt
      .setIssuedAt(issuedAt)
      .setExpirationTime(expiresAt)
      .setJti(randomUUID())
      .sign(this.privateKey);
    return { token, userId, expiresAt };
  }
}

const readStoredKey = (file: string): StoredKey | undefined => {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  const parsed = JSON.parse(text) as Partial<StoredKey>;
  if (typeof parsed.kid !== 'string' || parsed.privateJwk?.kty !== 'RSA' || !parsed.privateJwk.d) {
    throw new Error(
      `${file} is not a development signing key; delete it to make a new one (tokens issued with the old key stop working)`,
    );
  }
  return parsed as StoredKey;
};

/** Creates the key file, readable by its owner only; false when it already exists. */
const writeStoredKey = (file: string, key: StoredKey): boolean => {
  mkdirSync(dirname(file), { recursive: true });
  let fd: number;
  try {
    fd = openSync(file, 'wx', 0o600);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    writeSync(fd, JSON.stringify(key));
  } finally {
    closeSync(fd);
  }
  return true;
};
