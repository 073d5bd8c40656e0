/** A domain event before it is stored: a type tag and its body. */
export interface DomainEvent<T extends string = string, D = unknown> {
  readonly type: T;
  readonly data: D;
}

/**
 * An aggregate as three pure functions (the Decider pattern). `decide` returns the events a
 * command produces — `[]` when the command is already reflected in state, because queues
 * deliver at least once — or throws a `DomainError` when the rules forbid it.
 */
export interface Decider<C, E extends DomainEvent, S> {
  readonly initialState: S;
  decide(command: C, state: S): readonly E[];
  evolve(state: S, event: E): S;
  /** Present when the state may be snapshotted (a long stream loads from snapshot + tail). */
  readonly snapshot?: StateSerializer<S>;
}

/**
 * How a decider's state is stored as a snapshot: as JSON-safe data, under a schema version.
 * Bump `schemaVersion` whenever `evolve` or the state's shape changes: stored snapshots of
 * another version are then ignored (the stream is replayed), so a fold that changed meaning
 * never starts from a state the old fold produced. `decode` validates (zod) and throws on
 * anything else.
 */
export interface StateSerializer<S> {
  readonly schemaVersion: number;
  encode(state: S): unknown;
  decode(stored: unknown): S;
}

/** Folds events onto a state; replay is the same fold whatever the batch boundaries. */
export const fold = <E extends DomainEvent, S>(
  decider: Pick<Decider<never, E, S>, 'evolve'>,
  state: S,
  events: readonly E[],
): S => events.reduce((s, e) => decider.evolve(s, e), state);
