/** A resource this function was not configured with was asked for: a wiring bug between infra/ and config.ts. */
export class FeatureResourceError extends Error {
  override readonly name = 'FeatureResourceError';
}

/**
 * Reads a resource name from a function's validated configuration when a binding is first
 * used: a function that never touches a port needs no variable for it, and one that does but
 * lacks it fails naming the variable.
 */
export const resource = (config: Readonly<Record<string, unknown>>, variable: string, usedBy: string): string => {
  const value = config[variable];
  if (typeof value !== 'string' || value === '') {
    throw new FeatureResourceError(`${usedBy} needs ${variable}, which this function's configuration does not provide`);
  }
  return value;
};

export const numberOr = (config: Readonly<Record<string, unknown>>, variable: string, fallback: number): number => {
  const value = config[variable];
  return typeof value === 'number' ? value : fallback;
};

/** Builds a value on first use and keeps it (SDK clients: once per Lambda instance). */
export const once = <T>(make: () => T): (() => T) => {
  let value: T | undefined;
  let made = false;
  return () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
};
