import type { LocalRuntimeExtension } from './local-extensions.js';

/**
 * Features that add themselves to `npm start` beyond live commerce (presence, booking,
 * auctions, recommendations, static pages): one entry each, appended by their owners.
 */
export const LOCAL_FEATURES: LocalRuntimeExtension[] = [];
