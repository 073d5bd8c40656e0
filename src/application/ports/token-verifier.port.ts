/** What a verified bearer token vouches for. */
export interface VerifiedToken {
  /** `sub`: the user id every ownership rule compares against. */
  readonly subject: string;
  /** Epoch seconds (`exp`). */
  readonly expiresAt: number;
  /** Every claim, as the issuer signed it (for logs and `requestContext.authorizer.jwt.claims`). */
  readonly claims: Readonly<Record<string, unknown>>;
}

/** Why a token was refused: stable codes for logs and for the error the caller gets. */
export type TokenProblem =
  | 'MISSING'
  | 'MALFORMED'
  | 'ALG_NOT_ALLOWED'
  | 'UNKNOWN_KEY'
  | 'BAD_SIGNATURE'
  | 'EXPIRED'
  | 'NOT_YET_VALID'
  | 'WRONG_ISSUER'
  | 'WRONG_AUDIENCE'
  | 'INVALID_SUBJECT';

/** The token is not acceptable (the caller's fault): 401, never retried as is. */
export class InvalidTokenError extends Error {
  override readonly name = 'InvalidTokenError';
  constructor(
    readonly problem: TokenProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The token could not be checked (the issuer's keys are unreachable): fail closed, and alert. */
export class TokenVerificationUnavailableError extends Error {
  override readonly name = 'TokenVerificationUnavailableError';
}

/**
 * Checks a bearer JWT: signature against the issuer's keys, allowed algorithms (never
 * `none`), issuer, audience, expiry. Throws `InvalidTokenError` naming the problem.
 */
export interface TokenVerifier {
  verify(token: string): Promise<VerifiedToken>;
}
