export interface PresenceSettings {
  /** A session counts for this long after its last accepted beat (a few missed 5 s beats). */
  readonly ttlMs: number;
  /** At most one VIEWER_COUNT_CHANGED per channel per this interval (also the recount throttle). */
  readonly minPublishIntervalMs: number;
  /**
   * How late an expiry may be noticed when no beats arrive at all (the last viewers left):
   * the follow-up recount is scheduled within this slack after the TTL. Smaller means more
   * recount messages; one per slack per channel per consumer instance.
   */
  readonly expirySlackMs: number;
}

export const defaultPresenceSettings: PresenceSettings = {
  ttlMs: 15_000,
  minPublishIntervalMs: 1_000,
  expirySlackMs: 5_000,
};

export const presenceSettings = (overrides: Partial<PresenceSettings> = {}): PresenceSettings => {
  const settings = { ...defaultPresenceSettings, ...overrides };
  for (const [name, value] of Object.entries(settings)) {
    if (!Number.isSafeInteger(value) || value <= 0)
      throw new RangeError(`presence setting ${name} must be a positive integer of ms, got ${value}`);
  }
  return settings;
};
