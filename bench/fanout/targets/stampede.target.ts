import type { FanoutTarget } from '../frame.js';

/** Flipped when this target drives the real runtime; fanout.bench.ts skips it until then. */
export const STAMPEDE_TARGET_WIRED = false;

/**
 * Stampede's local runtime as a fan-out target — wired once `startLocalRuntime`
 * (src/entrypoints/local/main.ts) exists. Until then the benchmark reports this target as
 * unavailable (see fanout.bench.ts) and never starts it.
 */
export const createStampedeTarget = async (): Promise<FanoutTarget> => {
  throw new Error('the Stampede local runtime (startLocalRuntime in src/entrypoints/local/main.ts) does not exist yet');
};
