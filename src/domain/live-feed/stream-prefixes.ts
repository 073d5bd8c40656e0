/** Stream ids of the viewer-facing aggregates: `channel-<channelId>`, `auction-<auctionId>`. */
export const CHANNEL_STREAM_PREFIX = 'channel-';
export const AUCTION_STREAM_PREFIX = 'auction-';
