import { z } from 'zod';
import { brandedId, resourceId } from './brand.js';

export const ChannelId = resourceId('ChannelId');
export type ChannelId = z.infer<typeof ChannelId>;
export const AuctionId = resourceId('AuctionId');
export type AuctionId = z.infer<typeof AuctionId>;
export const UserId = brandedId('UserId');
export type UserId = z.infer<typeof UserId>;
export const SessionId = brandedId('SessionId');
export type SessionId = z.infer<typeof SessionId>;
export const TripId = resourceId('TripId');
export type TripId = z.infer<typeof TripId>;
export const RequestId = resourceId('RequestId');
export type RequestId = z.infer<typeof RequestId>;
export const BidId = brandedId('BidId');
export type BidId = z.infer<typeof BidId>;
export const ProductId = resourceId('ProductId');
export type ProductId = z.infer<typeof ProductId>;
export const StreamId = brandedId('StreamId');
export type StreamId = z.infer<typeof StreamId>;

/** Stream ids are `<aggregate>-<id>`; the prefix tells which decider owns a stream. */
export const streamIdOf = (aggregate: string, id: string): StreamId => `${aggregate}-${id}` as StreamId;
