/** A message as the in-memory queue holds it (one per delivery copy). */
export interface StoredMessage {
  key: number;
  readonly messageId: string;
  readonly rawBody: string;
  readonly sentAt: number;
  readonly groupId?: string;
  readonly dedupId?: string;
  readonly sequenceNumber?: string;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  receiptHandle?: string;
  /** Set once received: until then a future `visibleAt` is a delay, not a visibility timeout. */
  received: boolean;
}

export interface DeliveryRules {
  /** Hand out visible messages in random order. */
  readonly reorder: boolean;
  readonly random: () => number;
}

/** The messages a receive from a standard queue may hand out now: any visible one (shuffled when reordering is on). */
export const standardDeliveryOrder = (messages: Iterable<StoredMessage>, now: number, rules: DeliveryRules) => {
  const visible = [...messages].filter((m) => m.visibleAt <= now);
  if (rules.reorder) {
    for (let i = visible.length - 1; i > 0; i--) {
      const j = Math.floor(rules.random() * (i + 1));
      [visible[i], visible[j]] = [visible[j] as StoredMessage, visible[i] as StoredMessage];
    }
  }
  return visible;
};

/**
 * The messages a receive from a FIFO queue may hand out now, in send order: per group (its
 * messages by key, in send order), from its head, the visible messages before the first one that
 * is not (in flight or delayed), at most `inFlightPerGroup` of them.
 *
 * The quota is counted within the walk only. The group's messages in flight need not be counted:
 * the walk stops at the first of them, and the visible messages before it were handed out with
 * it in one receive (a message is handed out only when all before it are), so they and the
 * messages in flight after them never exceed the quota together. A property test checks this
 * against a scan that counts every message in flight.
 *
 * Per group, not over the whole queue: a walk stops at the first message it may not hand out, so
 * a receive costs the groups plus what it returns, whatever the backlog. The scan of every
 * message it replaced made each receive of a 10,000-request booking backlog (one trip, one group)
 * cost O(backlog): the largest self time of the booking-spike benchmark's server after the burst.
 */
export const fifoDeliveryOrder = (
  groups: Iterable<ReadonlyMap<number, StoredMessage>>,
  now: number,
  inFlightPerGroup: number,
) => {
  const picked: StoredMessage[] = [];
  for (const group of groups) {
    let taken = 0;
    for (const m of group.values()) {
      if (m.visibleAt > now || taken >= inFlightPerGroup) break;
      taken++;
      picked.push(m);
    }
  }
  // Across groups, in send order (as one scan of the queue would have met them).
  return picked.sort((a, b) => a.key - b.key);
};
