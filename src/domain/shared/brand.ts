import { z } from 'zod';

/** A nominal type: a `string` that the compiler will not confuse with another id. */
export type Brand<T, B extends string> = T & { readonly __brand: B };

/** A zod schema for a branded, non-empty, bounded id string. */
export const brandedId = <B extends string>(brand: B) =>
  z
    .string()
    .min(1)
    .max(128)
    .regex(/^[A-Za-z0-9_.:-]+$/, `${brand} may contain only letters, digits and _ . : -`)
    .brand<B>();
