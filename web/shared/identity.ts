/**
 * Who is using the page. For now the user picks a name and it is sent as the user id where the
 * API accepts one (bidderId, passengerId, the local runtime's `?userId=`). When real signed
 * tokens arrive, this file is the only one to change: `identity()` returns the token's subject,
 * `authHeaders()` the bearer token every API call carries, `authParams()` the token for the
 * WebSocket handshake.
 *
 * Kept per tab (sessionStorage), so two tabs are two different viewers.
 */
export interface Identity {
  /** Letters, digits and _ . - (the API's id alphabet), 2..32 characters. */
  readonly userId: string;
}

const KEY = 'stampede.userId';
const VALID = /^[A-Za-z0-9_.-]{2,32}$/;

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

/** Query parameters that identify the user on the WebSocket connect (today: the chosen name). */
export const authParams = (): Record<string, string> => ({ userId: identity().userId });

/** Headers that identify the user on HTTP calls (today none: the body names the user). */
export const authHeaders = (): Record<string, string> => ({});
