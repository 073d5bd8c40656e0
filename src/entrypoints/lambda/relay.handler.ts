import { localContainer } from '../composition/local.container.js';
import { TOKENS } from '../composition/tokens.js';

/**
 * The `relay` Lambda — F2: DynamoDB Streams (events table) → live feed (Kinesis).
 * Built once per instance at module scope. Until the AWS composition root exists, the
 * dependencies come from the local container (in-memory adapters); switching is this one import.
 */
export const handler = localContainer().get(TOKENS.RelayHandler);
