import { schedulerQueueOnSqs } from '../composition/auction.aws.module.js';
import { AUCTION_TOKENS, auctionModule } from '../composition/auction.module.js';
import { bindingsModule } from '../composition/tokens.js';
import {
  ensureQueueWithDlq,
  queueEventSource,
  type EmulatorFeature,
  type EmulatorFeatureOptions,
} from './emulator-feature-kit.js';
import type { LocalRuntimeExtension } from './local-extensions.js';

export interface EmulatorAuctionResources {
  readonly schedulerQueue: string;
  readonly schedulerDlq: string;
}

/**
 * The auction feature (F7) of `npm start -- --backend emulators`: the deployed functions' port
 * (`schedulerQueueOnSqs`) — the scheduler queue, an SQS standard queue with its DLQ on fauxqs whose
 * per-message delays (≤ 15 minutes a hop) carry each auction's close — and an SQS long-polling
 * event source feeding the `auction-close` handler, as Lambda's event source mapping would.
 */
export const emulatorAuctionFeature = async (
  options: EmulatorFeatureOptions<EmulatorAuctionResources>,
): Promise<EmulatorFeature> => {
  const { names } = options;
  const queue = await ensureQueueWithDlq(options, {
    name: names.schedulerQueue,
    dlqName: names.schedulerDlq,
    visibilityTimeoutSeconds: 30,
  });
  const modules = [auctionModule, bindingsModule(schedulerQueueOnSqs(options.aws, queue.url))];
  const feature: LocalRuntimeExtension = {
    name: 'auction',
    modules,
    setup({ container, logger, addEventSource }) {
      addEventSource(
        queueEventSource(options, 'auction-close', queue.url, container.get(AUCTION_TOKENS.Handler), logger),
      );
    },
  };
  return { feature, description: `auction scheduler queue ${queue.url}` };
};
