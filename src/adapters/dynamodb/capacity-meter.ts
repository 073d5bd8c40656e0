import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';

/** What a client spent since the meter was attached (or last reset). */
export interface CapacityFigures {
  readonly readUnits: number;
  readonly writeUnits: number;
  /** Requests sent (SDK retries included). */
  readonly roundTrips: number;
  /** Bytes of the items read (attribute names and values, as DynamoDB sizes items). */
  readonly bytesRead: number;
}

export interface CapacityMeter {
  figures(): CapacityFigures;
  reset(): void;
}

/** An item's size roughly as DynamoDB counts it: names + string/binary lengths, numbers ~8 bytes. */
const sizeOf = (value: unknown): number => {
  if (typeof value === 'string') return Buffer.byteLength(value);
  if (typeof value === 'number' || typeof value === 'bigint') return 8;
  if (typeof value === 'boolean' || value === null || value === undefined) return 1;
  if (value instanceof Uint8Array) return value.byteLength;
  if (Array.isArray(value)) return value.reduce((n: number, v) => n + sizeOf(v), 0);
  if (value instanceof Set) return [...value].reduce((n: number, v) => n + sizeOf(v), 0);
  return Object.entries(value as object).reduce((n, [k, v]) => n + Buffer.byteLength(k) + sizeOf(v), 0);
};

interface Consumed {
  readonly ReadCapacityUnits?: number;
  readonly WriteCapacityUnits?: number;
  readonly CapacityUnits?: number;
}

/**
 * Asks DynamoDB for `ReturnConsumedCapacity: TOTAL` on every request of `client` (and of any
 * document client built on it: they share the middleware stack) and adds up the units it
 * reports. For measuring what an adapter costs per operation — in benchmarks and tests, or
 * in production metrics — without the adapters knowing: their requests are not changed
 * otherwise. A transaction reports one entry per table; a write reports write units only.
 */
export const meterCapacity = (client: DynamoDBClient): CapacityMeter => {
  let figures = { readUnits: 0, writeUnits: 0, roundTrips: 0, bytesRead: 0 };
  const add = (c: Consumed) => {
    const read = c.ReadCapacityUnits ?? 0;
    const write = c.WriteCapacityUnits ?? 0;
    // Some operations report only the total; a write's total is write units, a read's read units.
    const total = c.CapacityUnits ?? 0;
    figures.readUnits += read;
    figures.writeUnits += write;
    if (read === 0 && write === 0 && total > 0) return total;
    return 0;
  };
  client.middlewareStack.add(
    (next, context) => async (args) => {
      (args.input as Record<string, unknown>)['ReturnConsumedCapacity'] = 'TOTAL';
      const result = await next(args);
      const output = result.output as { ConsumedCapacity?: Consumed | Consumed[]; Item?: unknown; Items?: unknown[] };
      figures.bytesRead += (output.Item ? sizeOf(output.Item) : 0) + (output.Items ? sizeOf(output.Items) : 0);
      const consumed = output.ConsumedCapacity;
      const unattributed = [consumed ?? []].flat().reduce((sum, c) => sum + add(c), 0);
      if (unattributed > 0) {
        if (/^(Get|Query|Scan|BatchGet|TransactGet)/.test(context.commandName ?? '')) figures.readUnits += unattributed;
        else figures.writeUnits += unattributed;
      }
      return result;
    },
    { step: 'initialize', name: 'stampedeCapacityMeter' },
  );
  client.middlewareStack.add(
    (next) => (args) => {
      figures.roundTrips++;
      return next(args);
    },
    { step: 'finalizeRequest', name: 'stampedeRoundTripMeter' },
  );
  return {
    figures: () => ({ ...figures }),
    reset: () => {
      figures = { readUnits: 0, writeUnits: 0, roundTrips: 0, bytesRead: 0 };
    },
  };
};
