import type { CounterStore } from '../../application/ports/counter-store.port.js';

/**
 * The in-memory twin of the DynamoDB counters table: each `add` is atomic (one
 * `UpdateItem … ADD`), and an increment whose idempotency key was already applied to the
 * same counter set is ignored (DynamoDB: a transaction of a conditional `Put` of the key
 * item and the `ADD`). Keys are remembered for the life of the process; the DynamoDB
 * adapter expires them with a TTL far longer than any redelivery window.
 */
export class InMemoryCounterStore implements CounterStore {
  private readonly counters = new Map<string, Record<string, number>>();
  private readonly appliedKeys = new Map<string, Set<string>>();

  async add(counterId: string, deltas: Readonly<Record<string, number>>, idempotencyKey?: string): Promise<void> {
    for (const name in deltas) {
      const delta = deltas[name] as number;
      if (!Number.isFinite(delta))
        throw new RangeError(`counter ${counterId}.${name}: delta must be a finite number, got ${delta}`);
    }
    if (idempotencyKey !== undefined) {
      let applied = this.appliedKeys.get(counterId);
      if (applied === undefined) this.appliedKeys.set(counterId, (applied = new Set<string>()));
      // One hash lookup, not has() then add(): during a rush this set holds every request id.
      const before = applied.size;
      if (applied.add(idempotencyKey).size === before) return;
    }
    let values = this.counters.get(counterId);
    if (values === undefined) this.counters.set(counterId, (values = {}));
    for (const name in deltas) values[name] = (values[name] ?? 0) + (deltas[name] as number);
  }

  async read(counterId: string): Promise<Readonly<Record<string, number>>> {
    return { ...(this.counters.get(counterId) ?? {}) };
  }
}
