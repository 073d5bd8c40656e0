import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { userRateLimitsOnDynamoDb } from '../composition/abuse.aws.module.js';
import { auctionAwsModules } from '../composition/auction.aws.module.js';
import { awsFunctionContainer, awsTargetOf, eventStoreOnDynamoDb } from '../composition/aws.container.js';
import { bookingAwsModules } from '../composition/booking.aws.module.js';
import { presenceAwsModules } from '../composition/presence.aws.module.js';
import { recommendHttpAwsModules } from '../composition/recommend.aws.module.js';
import { RECOMMEND_TOKENS } from '../composition/recommend.module.js';
import { TOKENS } from '../composition/tokens.js';
import { refuseUnsignedInternal } from '../http/internal-access.js';
import { withInvocationContext } from './lambda-entry.js';

/**
 * The `http-api` Lambda — every HTTP API route: live commerce and system (shared wiring),
 * presence, booking, auctions and recommendations (feature modules on their AWS adapters).
 * Built once per instance at module scope from the AWS composition root; a bad environment
 * fails the cold start naming every variable at fault.
 */
const container = awsFunctionContainer('http-api', (c) => [eventStoreOnDynamoDb(awsTargetOf(c), c.EVENTS_TABLE), userRateLimitsOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE)], {
  features: (context) => [
    ...presenceAwsModules(context),
    ...bookingAwsModules(context),
    ...auctionAwsModules(context),
    ...recommendHttpAwsModules(context),
  ],
});
const handle = container.get(TOKENS.HttpApiHandler);
const metrics = container.get(RECOMMEND_TOKENS.Metrics) as { flush?: () => void };

export const handler = withInvocationContext(container.get(TOKENS.Logger), async (event: APIGatewayProxyEventV2): Promise<Awaited<ReturnType<typeof handle>>> => {
  try {
    return refuseUnsignedInternal(event) ?? (await handle(event));
  } finally {
    // Recommendation metrics are buffered EMF: written once per invocation.
    metrics.flush?.();
  }
});
