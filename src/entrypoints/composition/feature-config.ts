import { MissingResourceError } from './aws.container.js';

/**
 * Reads a resource name from a function's validated configuration when a binding is first
 * used: a function that never touches a port needs no variable for it, and one that does but
 * lacks it fails naming the variable (a wiring bug between infra/ and config.ts).
 */
export const resource = (config: Readonly<Record<string, unknown>>, variable: string, usedBy: string): string => {
  const value = config[variable];
  if (typeof value !== 'string' || value === '') throw new MissingResourceError(`${usedBy} needs ${variable}, which this function's configuration does not provide`);
  return value;
};

export const numberOr = (config: Readonly<Record<string, unknown>>, variable: string, fallback: number): number => {
  const value = config[variable];
  return typeof value === 'number' ? value : fallback;
};
