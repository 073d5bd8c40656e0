import { z } from 'zod';

// C0/C1 controls, and the bidirectional overrides/isolates that let a text disguise what follows it.
const CONTROL = /[\p{Cc}\u202A-\u202E\u2066-\u2069]/u;
// A high surrogate not followed by a low one, or a low one not preceded by a high one (code units: no `u` flag).
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * Text other viewers will see (channel titles, product names, categories): trimmed,
 * 1..`max` UTF-16 units, no control characters or bidi overrides, well-formed Unicode.
 * RTL scripts, zero-width joiners and emoji are ordinary text.
 */
export const displayText = (max: number) =>
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(max, `must be at most ${max} characters`)
    .refine((t) => !CONTROL.test(t), 'must not contain control characters')
    .refine((t) => !LONE_SURROGATE.test(t), 'must be well-formed Unicode (no lone surrogates)');
