import { randomUUID } from 'node:crypto';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JSONWebKeySet } from 'jose';

/** The development issuer's `iss`: a URN, so no one mistakes it for a real identity provider. */
export const DEV_ISSUER = 'urn:stampede:local-dev-issuer';
/** The audience its tokens carry and the local runtime expects. */
export const DEV_AUDIENCE = 'stampede-local';
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

/**
 * A throwaway OIDC-like issuer for `npm start` and tests: an RSA key pair generated when the
 * local runtime starts (never persisted, never used outside local mode), RS256 tokens for any
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

  static async create(): Promise<DevTokenIssuer> {
    const { publicKey, privateKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
    const kid = `dev-${randomUUID()}`;
    const jwk = { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' };
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
