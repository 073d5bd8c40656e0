import type { CapacityMeter } from '../../src/adapters/dynamodb/capacity-meter.js';
import { readResults } from '../domain-core/run-workload.js';
import {
  OUTCOME_CODE,
  type AuctionImplementation,
  type AuctionResult,
  type Workload,
} from '../domain-core/workload.js';
import { SampleBuffer, summarize } from '../lib/stats.js';

export interface BidWorkloadFigures {
  readonly subject: string;
  readonly commands: number;
  readonly commandsPerSecond: number;
  readonly p50: number;
  readonly p99: number;
  readonly writeUnitsPerCommand: number;
  readonly readUnitsPerCommand: number;
  readonly roundTripsPerCommand: number;
  readonly outcomes: string;
  readonly results: readonly AuctionResult[];
}

/**
 * The domain-core workload, `lanes` commands in flight: commands of one auction run in workload
 * order (each awaits the previous one of its auction), auctions run side by side — as Lambdas
 * handle bids on many auctions at once. Outcomes then match the sequential reference model.
 */
export const runBidWorkload = async (
  impl: AuctionImplementation,
  workload: Workload,
  meter: CapacityMeter,
  lanes: number,
): Promise<BidWorkloadFigures> => {
  const total = workload.commands.length;
  const outcomes = new Array<string>(total);
  const latencies = new SampleBuffer(total);
  const tails = new Map<string, Promise<void>>();
  let free = lanes;
  const waiting: (() => void)[] = [];
  const acquire = () => (free > 0 ? (free--, Promise.resolve()) : new Promise<void>((r) => waiting.push(r)));
  const release = () => (waiting.length > 0 ? waiting.shift()!() : free++);
  meter.reset();
  const t0 = performance.now();
  workload.commands.forEach((command, i) => {
    const previous = tails.get(command.auctionId) ?? Promise.resolve();
    tails.set(
      command.auctionId,
      previous.then(async () => {
        await acquire();
        try {
          const s = performance.now();
          outcomes[i] = OUTCOME_CODE[await impl.execute(command)];
          latencies.push(performance.now() - s);
        } finally {
          release();
        }
      }),
    );
  });
  await Promise.all(tails.values());
  const wallMs = performance.now() - t0;
  const units = meter.figures();
  const s = summarize(latencies.values());
  return {
    subject: impl.name,
    commands: total,
    commandsPerSecond: (total / wallMs) * 1000,
    p50: s.p50,
    p99: s.p99,
    writeUnitsPerCommand: units.writeUnits / total,
    readUnitsPerCommand: units.readUnits / total,
    roundTripsPerCommand: units.roundTrips / total,
    outcomes: outcomes.join(''),
    results: await readResults(impl, workload),
  };
};
