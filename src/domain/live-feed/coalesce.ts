import type { ChannelFeedEvent, FeedItem, LikeSignal } from './feed-item.js';

/** Event types whose newer value replaces the older one, so a run of them can travel as one item. */
const MERGEABLE: ReadonlySet<ChannelFeedEvent['eventType']> = new Set(['VIEWER_COUNT_CHANGED']);

const firstVersion = (item: ChannelFeedEvent): number => item.fromVersion ?? item.version;

/** Groups items by channel, keeping each channel's arrival order (Map keeps first-seen channel order). */
export const groupByChannel = (items: readonly FeedItem[]): Map<string, FeedItem[]> => {
  const groups = new Map<string, FeedItem[]>();
  for (const item of items) {
    const group = groups.get(item.channelId);
    if (group) group.push(item);
    else groups.set(item.channelId, [item]);
  }
  return groups;
};

/**
 * Shrinks one channel's items before they are multiplied by every viewer:
 *  - all likes become one LIKES signal with the summed count (at its first position);
 *  - a run of consecutive versions of one stream of a mergeable type (viewer counts) becomes one
 *    item covering `fromVersion..version` with the newest data. Only the stream's latest item
 *    can absorb the next, so a merge never jumps over another version of that stream;
 *  - an event whose versions this batch already carries (an at-least-once duplicate) is dropped;
 *  - a WATCHED signal is dropped: it is for the recommender, and names who watches;
 *  - chat and everything else pass unchanged, in order.
 * Every version of the input is covered by exactly one output item: versions are merged, never lost.
 */
export const coalesce = (items: readonly FeedItem[]): FeedItem[] => {
  const out: FeedItem[] = [];
  const latestOfStream = new Map<string, number>();
  const seen = new Map<string, Set<number>>();
  let likesAt = -1;

  for (const item of items) {
    if (item.kind === 'signal') {
      if (item.signal === 'WATCHED') continue;
      if (item.signal !== 'LIKES') {
        out.push(item);
        continue;
      }
      const previous = likesAt >= 0 ? (out[likesAt] as LikeSignal) : null;
      if (!previous) {
        likesAt = out.length;
        out.push(item);
      } else {
        out[likesAt] = { ...previous, count: previous.count + item.count, at: Math.max(previous.at, item.at) };
      }
      continue;
    }

    const from = firstVersion(item);
    const versions = seen.get(item.streamId) ?? new Set<number>();
    seen.set(item.streamId, versions);
    let fresh = false;
    for (let v = from; v <= item.version; v++) if (!versions.has(v)) fresh = true;
    if (!fresh) continue;
    for (let v = from; v <= item.version; v++) versions.add(v);

    const at = latestOfStream.get(item.streamId);
    const latest = at === undefined ? undefined : out[at];
    if (
      latest?.kind === 'event' &&
      at !== undefined &&
      latest.eventType === item.eventType &&
      MERGEABLE.has(item.eventType) &&
      from === latest.version + 1
    ) {
      out[at] = { ...item, fromVersion: firstVersion(latest) };
      continue;
    }
    latestOfStream.set(item.streamId, out.length);
    out.push(item);
  }
  return out;
};
