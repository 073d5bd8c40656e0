import { localContainer } from '../composition/local.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `ws-disconnect` Lambda — WebSocket $disconnect.
 * Built once per instance at module scope. Until the AWS composition root exists, the
 * dependencies come from the local container (in-memory adapters); switching is this one import.
 */
export const handler = localContainer().get(TOKENS.WsDisconnectHandler);
