import type { z } from 'zod';
import type { DomainEvent } from './decider.js';
import { DomainError } from './errors.js';

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

export type EventOf<D extends EventDefinition> = D extends EventDefinition<infer T, infer S> ? DomainEvent<T, z.infer<S>> : never;

export interface EncodedEvent {
  readonly type: string;
  readonly schemaVersion: number;
  readonly data: unknown;
}

/**
 * Validates events on the way in and out of storage. Decoding upcasts a body written with an
 * older schema version step by step, then validates it against the current schema, so a
 * deciders only ever sees current shapes.
 */
export class EventCodec<E extends DomainEvent> {
  private readonly byType: ReadonlyMap<string, EventDefinition>;

  constructor(definitions: readonly EventDefinition[]) {
    this.byType = new Map(definitions.map((d) => [d.type, d]));
  }

  knows(type: string): boolean {
    return this.byType.has(type);
  }

  encode(event: E): EncodedEvent {
    const def = this.definition(event.type);
    return { type: event.type, schemaVersion: def.schemaVersion, data: def.schema.parse(event.data) };
  }

  decode(encoded: EncodedEvent): E {
    const def = this.definition(encoded.type);
    if (encoded.schemaVersion > def.schemaVersion) {
      throw new DomainError('UNKNOWN_SCHEMA_VERSION', `${encoded.type} v${encoded.schemaVersion} is newer than this code (v${def.schemaVersion})`);
    }
    let data = encoded.data;
    for (let v = encoded.schemaVersion; v < def.schemaVersion; v++) {
      const up = def.upcasters?.[v];
      if (!up) throw new DomainError('MISSING_UPCASTER', `${encoded.type} has no upcaster from v${v} to v${v + 1}`);
      data = up(data);
    }
    const parsed = def.schema.safeParse(data);
    if (!parsed.success) {
      throw new DomainError('INVALID_EVENT', `${encoded.type} body does not match its schema: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    }
    return { type: encoded.type, data: parsed.data } as E;
  }

  private definition(type: string): EventDefinition {
    const def = this.byType.get(type);
    if (!def) throw new DomainError('UNKNOWN_EVENT_TYPE', `no event definition for type ${type}`);
    return def;
  }
}
