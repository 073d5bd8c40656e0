import type { IntegrationEventType } from './integration-events.js';

/**
 * An SNS subscription filter policy on message attributes (scope MessageAttributes): each key
 * must match (AND); a key's list matches if one entry does (OR). Entries: an exact string, or
 * `{ exists: boolean }`, `{ prefix: string }`, `{ 'anything-but': string[] }`.
 */
export type FilterCondition =
  string | { readonly exists: boolean } | { readonly prefix: string } | { readonly 'anything-but': readonly string[] };
export type FilterPolicy = Readonly<Record<string, readonly FilterCondition[]>>;

export interface IntegrationSubscriptionSpec {
  /** What the subscriber does with the events (docs). */
  readonly purpose: string;
  readonly filterPolicy: FilterPolicy;
  /** Raw message delivery: the queue receives the integration event itself, not an SNS envelope. */
  readonly rawMessageDelivery: boolean;
  /** The event types the policy lets through (docs and tests; the policy is what SNS applies). */
  readonly receives: readonly IntegrationEventType[];
}

/**
 * The example subscribers, one definition for every place that wires them: the CDK stack,
 * `npm start` (the in-memory twin) and `--backend emulators` (fauxqs). Each is an SQS FIFO
 * queue with its DLQ. Add one here (docs/INTEGRATION.md, "Adding a subscriber").
 */
export const INTEGRATION_SUBSCRIPTIONS = {
  /** Charges the winner of an auction: only closes with a winner (outcome SOLD). */
  payments: {
    purpose: 'charge the winner of an auction',
    filterPolicy: { eventType: ['AuctionClosed'], outcome: ['SOLD'] },
    rawMessageDelivery: true,
    receives: ['AuctionClosed'],
  },
  /** Push notices: a broadcast starts, a booking is confirmed (its ticket). */
  notifications: {
    purpose: 'push notices: a broadcast started, a booking is confirmed',
    filterPolicy: { eventType: ['LiveStarted', 'BookingConfirmed'] },
    rawMessageDelivery: true,
    receives: ['LiveStarted', 'BookingConfirmed'],
  },
} as const satisfies Record<string, IntegrationSubscriptionSpec>;
export type IntegrationSubscriberName = keyof typeof INTEGRATION_SUBSCRIPTIONS;
export const INTEGRATION_SUBSCRIBER_NAMES = Object.keys(INTEGRATION_SUBSCRIPTIONS) as IntegrationSubscriberName[];

/**
 * Whether a message with `attributes` passes `policy`, as SNS evaluates the subset above on
 * message attributes. The in-memory twin delivers with it; the contract suite holds fauxqs
 * (and so SNS's documented semantics) to the same answers.
 */
export const matchesFilterPolicy = (
  policy: FilterPolicy,
  attributes: Readonly<Record<string, string | undefined>>,
): boolean =>
  Object.entries(policy).every(([key, conditions]) => {
    const value = attributes[key];
    return conditions.some((condition) => {
      if (typeof condition === 'string') return value === condition;
      if ('exists' in condition) return condition.exists === (value !== undefined);
      if ('prefix' in condition) return value !== undefined && value.startsWith(condition.prefix);
      return value !== undefined && !condition['anything-but'].includes(value);
    });
  });
