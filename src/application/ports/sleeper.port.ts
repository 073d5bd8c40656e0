/** Waiting, behind a port so that retries with back-off run instantly under a fake clock. */
export interface Sleeper {
  /** Resolves after `ms` milliseconds. */
  sleep(ms: number): Promise<void>;
  /** A number in [0, 1) for jitter. */
  random(): number;
}
