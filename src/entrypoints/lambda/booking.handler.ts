import { BOOKING_TOKENS } from '../composition/booking.module.js';
import { createLocalContainer } from '../composition/local.container.js';
import { localConfigFromEnv, parseLocalConfig } from '../local/local-config.js';
import { bookingFeature } from '../local/booking.feature.js';

/**
 * The `booking` Lambda: booking requests from the SQS FIFO queue (and a scheduled stats.json flush).
 * Built once per instance at module scope. Until the AWS composition root binds this feature's
 * ports, the dependencies come from the local wiring (in-memory adapters); switching is this
 * container line.
 */
const container = createLocalContainer({ config: parseLocalConfig(localConfigFromEnv(process.env)), modules: bookingFeature.modules ?? [] });
export const handler = container.get(BOOKING_TOKENS.Handler);
