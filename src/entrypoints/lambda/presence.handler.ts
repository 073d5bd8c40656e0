import { PRESENCE_TOKENS } from '../composition/presence.module.js';
import { createLocalContainer } from '../composition/local.container.js';
import { localConfigFromEnv, parseLocalConfig } from '../local/local-config.js';
import { presenceFeature } from '../local/presence.feature.js';

/**
 * The `presence` Lambda: heartbeats from the SQS standard queue, counted and published.
 * Built once per instance at module scope. Until the AWS composition root binds this feature's
 * ports, the dependencies come from the local wiring (in-memory adapters); switching is this
 * container line.
 */
const container = createLocalContainer({ config: parseLocalConfig(localConfigFromEnv(process.env)), modules: presenceFeature.modules ?? [] });
export const handler = container.get(PRESENCE_TOKENS.Handler);
