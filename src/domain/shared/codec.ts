import type { z } from 'zod';
import type { DomainEvent } from './decider.js';
import { UnreadableEventError } from './faults.js';

/** One event type: its current schema, its current version, and how to lift older shapes. */
export interface EventDefinition<T extends string = string, S extends z.ZodType = z.ZodType> {
  readonly type: T;
  readonly schema: S;
  readonly schemaVersion: number;
  /** `upcasters[v]` turns a body of schema version `v` into version `v + 1`. */
  readonly upcasters?: Readonly<Record<number, (old: unknown) => unknown>>;
}

export const defineEvent = <T extends string, S extends z.ZodType>(
  type: T,
  schema: S,
  options: { schemaVersion?: number; upcasters?: Record<number, (old: unknown) => unknown> } = {},
): EventDefinition<T, S> => ({ type, schema, schemaVersion: options.schemaVersion ?? 1, upcasters: options.upcasters });

/** The event one definition describes; distributes over a union of definitions. */
export type EventOf<D extends EventDefinition> =
  D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.infer<S>> : never;

/**
 * An aggregate's event union, derived from its definitions array: an event type that is not in
 * the array is not in the union, so a decider that emits it does not compile.
 */
export type EventsOf<Ds extends readonly EventDefinition[]> = EventOf<Ds[number]>;

export interface EncodedEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/** What decoding needs; a stored envelope fits, and its `streamId`/`version` then name a fault. */
export type StoredEncodedEvent = EncodedEvent & { readonly streamId?: string; readonly version?: number };

/** What the command handler needs of a codec: one event union both ways. */
export interface EventSerializer<E extends DomainEvent> {
  encode(event: E): EncodedEvent;
  decode(stored: StoredEncodedEvent): E;
}

/**
 * Validates events on the way in and out of storage, typed by an aggregate's definitions.
 * Decoding upcasts a body written with an older schema version step by step, then validates it
 * against the current schema, so a decider only ever sees current shapes. A stored event that
 * cannot be read is a fault (`UnreadableEventError`), not a rule violation.
 */
export class EventCodec<Ds extends readonly EventDefinition[]> implements EventSerializer<EventsOf<Ds>> {
  private readonly byType: ReadonlyMap<string, EventDefinition>;

  constructor(definitions: Ds) {
    this.byType = new Map(definitions.map((d) => [d.type, d]));
  }

  knows(type: string): boolean {
    return this.byType.has(type);
  }

  encode(event: EventsOf<Ds>): EncodedEvent {
    const def = this.byType.get(event.type);
    // Unreachable through the types (the event union comes from the same definitions).
    if (!def) throw new Error(`no event definition for type ${event.type}`);
    return { type: event.type, schemaVersion: def.schemaVersion, data: def.schema.parse(event.data) };
  }

  decode(stored: StoredEncodedEvent): EventsOf<Ds> {
    const def = this.byType.get(stored.type);
    if (!def) throw new UnreadableEventError('UNKNOWN_EVENT_TYPE', stored, 'no event definition for this type');
    if (stored.schemaVersion > def.schemaVersion) {
      throw new UnreadableEventError('UNKNOWN_SCHEMA_VERSION', stored, `this code knows up to v${def.schemaVersion}`);
    }
    let data = stored.data;
    for (let v = stored.schemaVersion; v < def.schemaVersion; v++) {
      const up = def.upcasters?.[v];
      if (!up) throw new UnreadableEventError('MISSING_UPCASTER', stored, `no upcaster from v${v} to v${v + 1}`);
      data = up(data);
    }
    const parsed = def.schema.safeParse(data);
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
      throw new UnreadableEventError('INVALID_EVENT', stored, `body does not match its schema: ${issues}`, {
        cause: parsed.error,
      });
    }
    // Sound: `data` was parsed by the schema of the definition registered under this type.
    return { type: stored.type, data: parsed.data } as EventsOf<Ds>;
  }
}
