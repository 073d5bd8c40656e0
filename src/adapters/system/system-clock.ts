import { randomUUID } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import type { Clock } from '../../application/ports/clock.port.js';
import type { IdGenerator } from '../../application/ports/id-generator.port.js';
import type { Sleeper } from '../../application/ports/sleeper.port.js';

/** The real clock, UUIDs and timers: what runs in Lambda and in the local runtime. */
export const systemClock: Clock = { now: () => Date.now() };
export const uuidIds: IdGenerator = { next: () => randomUUID() };
export const realSleeper: Sleeper = { sleep: (ms) => delay(ms).then(() => undefined), random: Math.random };
