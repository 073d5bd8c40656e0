import { AUCTION_TOKENS } from '../composition/auction.module.js';
import { createLocalContainer } from '../composition/local.container.js';
import { localConfigFromEnv, parseLocalConfig } from '../local/local-config.js';
import { auctionFeature } from '../local/auction.feature.js';

/**
 * The `auction-close` Lambda: delayed close messages from the SQS scheduler queue.
 * Built once per instance at module scope. Until the AWS composition root binds this feature's
 * ports, the dependencies come from the local wiring (in-memory adapters); switching is this
 * container line.
 */
const container = createLocalContainer({ config: parseLocalConfig(localConfigFromEnv(process.env)), modules: auctionFeature.modules ?? [] });
export const handler = container.get(AUCTION_TOKENS.Handler);
