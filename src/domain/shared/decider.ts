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
}

/** Folds events onto a state; replay is the same fold whatever the batch boundaries. */
export const fold = <E extends DomainEvent, S>(decider: Pick<Decider<never, E, S>, 'evolve'>, state: S, events: readonly E[]): S =>
  events.reduce((s, e) => decider.evolve(s, e), state);
