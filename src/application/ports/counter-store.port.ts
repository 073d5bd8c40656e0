/**
 * Atomic counters (DynamoDB `ADD` in AWS), e.g. booking stats `requests`, `processed`,
 * `success` per trip and in total. An increment carrying an `idempotencyKey` already applied
 * to that counter is ignored, so at-least-once consumers can count exactly once.
 */
export interface CounterStore {
  /** Adds each delta atomically to the counter set `counterId`. */
  add(counterId: string, deltas: Readonly<Record<string, number>>, idempotencyKey?: string): Promise<void>;
  /** The current values (missing names read as absent, callers default them to 0). */
  read(counterId: string): Promise<Readonly<Record<string, number>>>;
}
