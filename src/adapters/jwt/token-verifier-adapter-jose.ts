import {
  createLocalJWKSet,
  createRemoteJWKSet,
  errors,
  jwtVerify,
  type JSONWebKeySet,
  type JWTVerifyGetKey,
} from 'jose';
import {
  InvalidTokenError,
  TokenVerificationUnavailableError,
  type TokenProblem,
  type TokenVerifier,
  type VerifiedToken,
} from '../../application/ports/token-verifier.port.js';

/** The algorithms API Gateway's JWT authorizer accepts (RSA only); `none` and HMAC are never accepted. */
export const DEFAULT_ALGORITHMS = ['RS256', 'RS384', 'RS512'] as const;

/** Same alphabet and length as the domain's ids: a subject must be usable as a `UserId`. */
const SUBJECT = /^[A-Za-z0-9_.:-]{1,128}$/;

export interface JoseTokenVerifierOptions {
  /** `iss` must equal this exactly. */
  readonly issuer: string;
  /** `aud` (or, when a token has none, Cognito's `client_id`) must be one of these — as API Gateway checks it. */
  readonly audience: string | readonly string[];
  /** Where the issuer publishes its keys (fetched on first use, cached, refreshed on an unknown `kid`)… */
  readonly jwksUrl?: string;
  /** …or the keys themselves (the local development issuer; tests). */
  readonly keys?: JSONWebKeySet;
  readonly algorithms?: readonly string[];
  /** Seconds of clock skew tolerated on exp / nbf / iat. Default 5. */
  readonly clockToleranceSeconds?: number;
  /** The time to check expiry against (tests with a fake clock). */
  readonly now?: () => number;
  /** Milliseconds to wait for the JWKS endpoint. Default 3000 (the authorizer's own timeout is 5 s). */
  readonly jwksTimeoutMs?: number;
}

/** The JWKS URL an OIDC issuer publishes by convention (Cognito: <issuer>/.well-known/jwks.json). */
export const defaultJwksUrl = (issuer: string): string =>
  new URL('.well-known/jwks.json', issuer.endsWith('/') ? issuer : `${issuer}/`).href;

const claimProblem = (claim: string): TokenProblem => {
  switch (claim) {
    case 'iss':
      return 'WRONG_ISSUER';
    case 'aud':
      return 'WRONG_AUDIENCE';
    case 'nbf':
    case 'iat':
      return 'NOT_YET_VALID';
    case 'exp':
      return 'EXPIRED';
    case 'sub':
      return 'INVALID_SUBJECT';
    default:
      return 'MALFORMED';
  }
};

/**
 * Verifies bearer JWTs with `jose`: the signature against the issuer's JWKS (remote, cached by
 * jose) or a given key set, the algorithm against an allow-list (so `alg: none` and
 * key-confusion tricks fail), `iss`, `aud`/`client_id`, `exp` (required) and `nbf`, and a
 * subject usable as a user id. Every refusal is an `InvalidTokenError` naming the problem;
 * an unreachable JWKS is `TokenVerificationUnavailableError` (fail closed, alert).
 */
export class JoseTokenVerifier implements TokenVerifier {
  private readonly keys: JWTVerifyGetKey;
  private readonly audiences: readonly string[];

  constructor(private readonly options: JoseTokenVerifierOptions) {
    if (options.keys) this.keys = createLocalJWKSet(options.keys);
    else
      this.keys = createRemoteJWKSet(new URL(options.jwksUrl ?? defaultJwksUrl(options.issuer)), {
        timeoutDuration: options.jwksTimeoutMs ?? 3_000,
      });
    this.audiences = typeof options.audience === 'string' ? [options.audience] : [...options.audience];
    if (this.audiences.length === 0) throw new RangeError('at least one audience is required');
  }

  async verify(token: string): Promise<VerifiedToken> {
    if (typeof token !== 'string' || token.length === 0)
      throw new InvalidTokenError('MISSING', 'no bearer token was sent');
    // A JWT is three base64url parts; anything else (or something huge) is not worth parsing.
    if (token.length > 8_192 || !/^[\w-]+\.[\w-]+\.[\w-]*$/.test(token))
      throw new InvalidTokenError('MALFORMED', 'the token is not a compact JWT');
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token, this.keys, {
        issuer: this.options.issuer,
        algorithms: [...(this.options.algorithms ?? DEFAULT_ALGORITHMS)],
        clockTolerance: this.options.clockToleranceSeconds ?? 5,
        requiredClaims: ['sub', 'exp'],
        ...(this.options.now ? { currentDate: new Date(this.options.now()) } : {}),
      }));
    } catch (error) {
      throw this.translate(error);
    }
    // jose checks iat only against a maximum age; a token from the future is refused here (as API Gateway does).
    const iat = payload['iat'];
    const nowSeconds = (this.options.now?.() ?? Date.now()) / 1000;
    if (typeof iat === 'number' && iat > nowSeconds + (this.options.clockToleranceSeconds ?? 5)) {
      throw new InvalidTokenError('NOT_YET_VALID', 'the token was issued in the future; check the issuer clock');
    }
    // API Gateway's rule: `aud` must match; Cognito access tokens carry `client_id` instead.
    const aud = payload['aud'];
    const audiences = aud === undefined ? [payload['client_id']] : Array.isArray(aud) ? aud : [aud];
    if (!audiences.some((a) => typeof a === 'string' && this.audiences.includes(a))) {
      throw new InvalidTokenError('WRONG_AUDIENCE', 'the token was issued for another audience');
    }
    const subject = payload['sub'];
    if (typeof subject !== 'string' || !SUBJECT.test(subject)) {
      throw new InvalidTokenError(
        'INVALID_SUBJECT',
        'the token subject is not a usable user id (1..128 of letters, digits, _ . : -)',
      );
    }
    return { subject, expiresAt: payload['exp'] as number, claims: payload };
  }

  private translate(error: unknown): Error {
    if (error instanceof errors.JWTExpired)
      return new InvalidTokenError('EXPIRED', 'the token has expired; get a new one', { cause: error });
    if (error instanceof errors.JWTClaimValidationFailed) {
      return new InvalidTokenError(claimProblem(error.claim), `token claim ${error.claim}: ${error.reason}`, {
        cause: error,
      });
    }
    if (error instanceof errors.JOSEAlgNotAllowed)
      return new InvalidTokenError('ALG_NOT_ALLOWED', 'the token algorithm is not allowed', { cause: error });
    if (error instanceof errors.JWSSignatureVerificationFailed)
      return new InvalidTokenError('BAD_SIGNATURE', 'the token signature is invalid', { cause: error });
    if (error instanceof errors.JWKSNoMatchingKey || error instanceof errors.JWKSMultipleMatchingKeys) {
      return new InvalidTokenError('UNKNOWN_KEY', 'the token was not signed with a key of the issuer', {
        cause: error,
      });
    }
    // Generic JOSE errors come from the remote key set (a non-200 or non-JSON answer), not from the token.
    if (
      error instanceof errors.JWKSTimeout ||
      error instanceof errors.JWKSInvalid ||
      (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC')
    ) {
      return new TokenVerificationUnavailableError(
        `the issuer's keys could not be fetched: ${(error as Error).message}`,
        { cause: error },
      );
    }
    if (error instanceof errors.JOSEError)
      return new InvalidTokenError('MALFORMED', `the token is malformed (${error.code})`, { cause: error });
    // fetch failures (DNS, refused, non-JSON) surface as plain errors from the remote key set.
    return new TokenVerificationUnavailableError(
      `the token could not be verified: ${error instanceof Error ? error.message : String(error)}`,
      { cause: error },
    );
  }
}
