import { config } from './config.js';

/**
 * Who is using the page — the one place that knows how identity works, so a real sign-in flow
 * replaces only this file. The user picks a name (kept per tab in sessionStorage, so two tabs
 * are two people); the page trades it for a signed bearer token at `config.tokenUrl` (locally:
 * the runtime's development issuer) and sends that token on every API call (`authHeaders`) and
 * on the WebSocket handshake (`authParams`). Without a token endpoint the page is an anonymous
 * viewer: it watches, and the API refuses what needs a user (401).
 */
export interface Identity {
  /** Latin letters, digits and _ . - (the API's id alphabet), 1..32 characters. */
  readonly userId: string;
}

const KEY = 'stampede.userId';
const TOKEN_KEY = 'stampede.token';
/** Renew a token this long before it expires. */
const RENEW_BEFORE_MS = 60_000;
const VALID = /^[A-Za-z0-9_.-]{1,32}$/;

/** Why a typed name was refused, in words for the name field (the API's ids are ASCII). */
export const NAME_RULE = 'Use Latin letters, digits, _ . or - (for example Kim-Jiwoo).';

const randomName = (): string => `viewer-${Math.floor(1000 + Math.random() * 9000)}`;

/** Turns what the user typed into a valid id ('Kim Ji-woo' → 'Kim-Ji-woo'), or null if nothing is left. */
export const toUserId = (typed: string): string | null => {
  const cleaned = typed
    .trim()
    .replace(/\s+/g, '-')
    .replace(/[^A-Za-z0-9_.-]/g, '')
    .slice(0, 32);
  return VALID.test(cleaned) ? cleaned : null;
};

const listeners = new Set<(identity: Identity) => void>();

export const identity = (): Identity => {
  let userId = sessionStorage.getItem(KEY);
  if (!userId || !VALID.test(userId)) {
    userId = randomName();
    sessionStorage.setItem(KEY, userId);
  }
  return { userId };
};

/** Changes the name; returns the new identity or null when the name is not usable. */
export const setUserName = (typed: string): Identity | null => {
  const userId = toUserId(typed);
  if (!userId) return null;
  sessionStorage.setItem(KEY, userId);
  const next = { userId };
  for (const listener of listeners) listener(next);
  return next;
};

export const onIdentityChange = (listener: (identity: Identity) => void): (() => void) => {
  listeners.add(listener);
  return () => listeners.delete(listener);
};

interface StoredToken {
  readonly userId: string;
  readonly token: string;
  /** Epoch seconds. */
  readonly expiresAt: number;
}

let pending: Promise<string | null> | null = null;

const storedToken = (userId: string): string | null => {
  try {
    const stored = JSON.parse(sessionStorage.getItem(TOKEN_KEY) ?? 'null') as StoredToken | null;
    return stored && stored.userId === userId && stored.expiresAt * 1000 - Date.now() > RENEW_BEFORE_MS
      ? stored.token
      : null;
  } catch {
    return null;
  }
};

/** A bearer token for the current user, fetched once and renewed before it expires; null: anonymous. */
export const accessToken = (): Promise<string | null> => {
  const { userId } = identity();
  const kept = storedToken(userId);
  if (kept) return Promise.resolve(kept);
  if (!config.tokenUrl) return Promise.resolve(null);
  pending ??= (async () => {
    try {
      const response = await fetch(config.tokenUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ userId }),
        signal: AbortSignal.timeout(10_000),
      });
      if (!response.ok) return null;
      const body = (await response.json()) as { token?: unknown; expiresAt?: unknown };
      if (typeof body.token !== 'string' || typeof body.expiresAt !== 'number') return null;
      sessionStorage.setItem(
        TOKEN_KEY,
        JSON.stringify({ userId, token: body.token, expiresAt: body.expiresAt } satisfies StoredToken),
      );
      return body.token;
    } catch {
      return null; // the issuer is unreachable: watch anonymously, try again on the next call
    } finally {
      pending = null;
    }
  })();
  return pending;
};

/**
 * Forgets the kept token, so the next call asks the issuer again. For a refused connection: a
 * restarted local runtime has a new development issuer and no longer accepts the old token.
 */
export const forgetToken = (): void => {
  sessionStorage.removeItem(TOKEN_KEY);
};

/** Whether the page can act as a signed-in user (a token endpoint is configured). */
export const canSignIn = (): boolean => config.tokenUrl !== '';

/** Query parameters for the WebSocket handshake: the token (API Gateway's authorizer reads `?token=`). */
export const authParams = async (): Promise<Record<string, string>> => {
  const token = await accessToken();
  return token ? { token } : {};
};

/** Headers for API calls made as the current user. */
export const authHeaders = async (): Promise<Record<string, string>> => {
  const token = await accessToken();
  return token ? { authorization: `Bearer ${token}` } : {};
};
