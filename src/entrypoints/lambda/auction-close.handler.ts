import { lambdaEntry } from './lambda-entry.js';
import { auctionAwsModules } from '../composition/auction.aws.module.js';
import { AUCTION_TOKENS } from '../composition/auction.module.js';
import { featureLambdaContainer } from '../composition/feature-lambda.container.js';

/**
 * The `auction-close` Lambda: delayed close messages from the SQS scheduler queue.
 * Built once per instance at module scope; a bad environment fails the cold start naming
 * every variable at fault.
 */
export const handler = lambdaEntry(featureLambdaContainer('auction-close', auctionAwsModules), AUCTION_TOKENS.Handler);
