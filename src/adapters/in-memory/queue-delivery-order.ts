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
  readonly fifo: boolean;
  /** Standard queues: hand out visible messages in random order. */
  readonly reorder: boolean;
  /** FIFO: messages of one group that may be in flight at once. */
  readonly inFlightPerGroup: number;
  readonly random: () => number;
}

/**
 * The messages a receive may hand out now, in the order it should: a standard queue any
 * visible message (shuffled when reordering is on); a FIFO queue each group strictly in send
 * order, and nothing of a group whose quota is in flight or whose head is not visible yet.
 */
export function* deliveryOrder(
  messages: Iterable<StoredMessage>,
  now: number,
  rules: DeliveryRules,
): Iterable<StoredMessage> {
  if (!rules.fifo) {
    const visible = [...messages].filter((m) => m.visibleAt <= now);
    if (rules.reorder) {
      for (let i = visible.length - 1; i > 0; i--) {
        const j = Math.floor(rules.random() * (i + 1));
        [visible[i], visible[j]] = [visible[j] as StoredMessage, visible[i] as StoredMessage];
      }
    }
    yield* visible;
    return;
  }
  const all = [...messages];
  const inFlight = new Map<string, number>();
  for (const m of all) {
    if (m.received && m.visibleAt > now && m.groupId) inFlight.set(m.groupId, (inFlight.get(m.groupId) ?? 0) + 1);
  }
  const blocked = new Set<string>();
  for (const m of all) {
    const group = m.groupId ?? '';
    if (blocked.has(group)) continue;
    if (m.visibleAt > now) {
      blocked.add(group);
      continue;
    }
    const taken = inFlight.get(group) ?? 0;
    if (taken >= rules.inFlightPerGroup) {
      blocked.add(group);
      continue;
    }
    inFlight.set(group, taken + 1);
    yield m;
  }
}
