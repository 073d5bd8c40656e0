import type { LocalAuthorizer } from '../../adapters/local/local-websocket-api.js';
import { UserId } from '../../domain/shared/ids.js';

/**
 * The local runtime's stand-in for the WebSocket `$connect` authorizer: it TRUSTS the
 * `?userId=` the client names (the pages send the name the user picked), so chat, bids and
 * heartbeats carry a user locally. In AWS the `ws-authorizer` Lambda verifies a signed token
 * instead; nothing here is deployed. No `userId`: an anonymous viewer (may watch, chat as a
 * guest, not bid). A malformed one refuses the handshake (401), as a bad token would.
 */
export const devAuthorizer: LocalAuthorizer = async ({ queryStringParameters }) => {
  const raw = queryStringParameters['userId'];
  if (raw === undefined || raw === '') return null;
  const parsed = UserId.safeParse(raw);
  if (!parsed.success) throw new Error(`userId: ${parsed.error.issues[0]?.message ?? 'invalid'} (got ${JSON.stringify(raw.slice(0, 64))})`);
  return { principalId: parsed.data, userId: parsed.data };
};
