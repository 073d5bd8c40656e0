import { fail } from '../../domain/shared/errors.js';
import type { UserId } from '../../domain/shared/ids.js';

/**
 * Who asks: a signed-in user (the verified token's subject) or an anonymous viewer. Built at
 * the edge from what the authorizer vouched for — never from a body field — and passed to
 * every use case that changes or reveals something a user owns. The domain never sees it:
 * ownership rules (who is the seller, who booked) are decided here, in the application.
 */
export type Actor = { readonly kind: 'user'; readonly userId: UserId } | { readonly kind: 'anonymous' };

export const ANONYMOUS: Actor = Object.freeze({ kind: 'anonymous' });
export const userActor = (userId: UserId): Actor => ({ kind: 'user', userId });

/** Stable codes the edges map to 401 / 403 (and to error frames). */
export type AuthErrorCode = 'UNAUTHENTICATED' | 'FORBIDDEN';

/** The actor's user id; anonymous callers are refused with UNAUTHENTICATED ("sign in to …"). */
export const requireUser = (actor: Actor, toDoWhat: string): UserId =>
  actor.kind === 'user'
    ? actor.userId
    : fail<AuthErrorCode>('UNAUTHENTICATED', `sign in to ${toDoWhat}: send a bearer token`);

/** Refuses with FORBIDDEN: the caller is known but this is not theirs. Nothing has changed when this throws. */
export const forbid = (message: string, details: Record<string, unknown> = {}): never =>
  fail<AuthErrorCode>('FORBIDDEN', message, details);

/** The user id for logs and signals, or null for an anonymous actor. */
export const userIdOf = (actor: Actor): UserId | null => (actor.kind === 'user' ? actor.userId : null);
