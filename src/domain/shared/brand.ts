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

/** Letters, digits, `_` and `-`, starting with a letter or digit, at most 64 characters. */
export const RESOURCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$/;

/**
 * A branded id that names a resource in a URL path (`/api/channels/{channelId}`) or a key
 * (`channel-{id}`, `rec:user:…`). Narrower than `brandedId`: `.` and `..` would be resolved away
 * as path segments by clients and proxies (such a resource could be created but never addressed
 * again), and `:` or a leading `_`/`-` would blur the key separators. 64 characters hold any
 * UUID or ULID with a prefix.
 */
export const resourceId = <B extends string>(brand: B) =>
  z
    .string()
    .regex(RESOURCE_ID_PATTERN, `${brand} must be 1–64 letters, digits, _ or -, starting with a letter or digit`)
    .brand<B>();
