import { auctionFeature } from './auction.feature.js';
import { bookingFeature } from './booking.feature.js';
import { integrationFeature } from './integration.feature.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { pagesExtension } from './pages.extension.js';
import { demoExtension } from './demo.extension.js';
import { presenceBeaconFeature } from './presence-beacon.feature.js';
import { presenceFeature } from './presence.feature.js';
import { recommendFeature } from './recommend.feature.js';

/**
 * Features that add themselves to `npm start` beyond live commerce (presence, booking,
 * auctions, recommendations, static pages): one entry each, appended by their owners.
 */
export const LOCAL_FEATURES: LocalRuntimeExtension[] = [
  presenceFeature,
  presenceBeaconFeature,
  bookingFeature,
  auctionFeature,
  recommendFeature,
  integrationFeature,
  pagesExtension(),
  demoExtension(),
];
