import fc from 'fast-check';

/**
 * Text that has broken parsers, validators, logs and UIs before: lone surrogates, bidi
 * overrides and isolates, zero-width characters, RTL scripts, combining marks, emoji ZWJ
 * sequences, NUL and other controls, BOM, line separators, injection-looking strings and
 * prototype-ish keys.
 */
export const NASTY_STRINGS = [
  '',
  ' ',
  '\t\n\r',
  '\u0000',
  'nul\u0000inside',
  '\u0007bell',
  '\u001b[31mred',
  '\uD800',
  '\uDFFF',
  'a\uD83Db',
  '\uDE00\uD83D',
  '\u202Egnp.exe',
  '\u2066isolate\u2069',
  '\u200B',
  '\u200D',
  'zero\u200Bwidth',
  '\uFEFFbom',
  '\u2028\u2029',
  'שלום עולם',
  'مرحبا بالعالم',
  'e\u0301\u0301\u0301',
  'Z̴̡̛̪͙̙̠̙͓̀̈́̈́ͅa̸̧̛̗̺̟̺̎̀̏l̷̡̩̞̲̼̈́g̶̛̩̥̿o̸̡̖̍',
  '👨‍👩‍👧‍👦',
  '🏳️‍🌈',
  '𝕏𝕐ℤ',
  '💩'.repeat(300),
  'x'.repeat(129),
  'x'.repeat(5_000),
  '../../etc/passwd',
  '%2e%2e%2f',
  '<script>alert(1)</script>',
  "' OR 1=1 --",
  '${jndi:ldap://x/a}',
  '{{7*7}}',
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'hasOwnProperty',
  'NaN',
  'Infinity',
  '-0',
  '1e309',
  'null',
  'true',
  '[]',
  '{}',
  'Bearer ',
  'anonymous',
  'a b',
  'a/b',
  'a?b#c',
  'ok-id',
] as const;

export const nastyString = fc.constantFrom(...NASTY_STRINGS);
export const anyString = fc.oneof(
  { weight: 3, arbitrary: nastyString },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.stringMatching(/^[A-Za-z0-9_.:-]{1,20}$/) },
);
export const anyNumber = fc.oneof(
  fc.integer(),
  fc.integer({ min: -3, max: 3 }),
  fc.double({ noNaN: true }),
  fc.constantFrom(
    0,
    -0,
    0.5,
    1.5,
    -1,
    2 ** 31,
    2 ** 53,
    -(2 ** 53),
    Number.MAX_SAFE_INTEGER + 2,
    1e308,
    -1e308,
    Number.MIN_VALUE,
    1_000_000_000_000_000,
  ),
);
const leaf = fc.oneof(anyString, anyNumber, fc.boolean(), fc.constant(null));

/** Any JSON value, shallow to medium depth, with nasty keys. */
export const anyJson: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    leaf,
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(
      fc.oneof(anyString, fc.constantFrom('__proto__', 'constructor', 'action', 'channelId', 'userId')),
      tie('value'),
      { maxKeys: 5 },
    ),
  ),
})).value;

/** `[[[[…1…]]]]` or `{"a":{"a":…}}` nested `depth` times: bounded only by the size limits. */
export const deepJsonText = fc
  .tuple(fc.integer({ min: 100, max: 3_000 }), fc.boolean())
  .map(([depth, arrays]) =>
    arrays ? `${'['.repeat(depth)}1${']'.repeat(depth)}` : `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`,
  );

/** Request bodies that are not JSON, or far too big. */
export const rawGarbage = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    'null',
    'true',
    '"just a string"',
    '[]',
    '{',
    '{"a":',
    '}{',
    '\u0000',
    'undefined',
    'NaN',
    '{"__proto__":{"polluted":true}}',
  ),
  anyString,
  deepJsonText,
  fc.integer({ min: 1, max: 3 }).map((n) => JSON.stringify({ blob: 'y'.repeat(n * 40_000) })),
);

/**
 * A mutation of a valid template: unchanged, a field replaced by garbage, a field removed,
 * extra fields added, the whole thing replaced (JSON or not). Most inputs are close to valid,
 * so they get past the first check and reach the code behind it.
 */
export type Mutated =
  | { readonly kind: 'json'; readonly value: unknown }
  | { readonly kind: 'raw'; readonly text: string }
  | { readonly kind: 'none' };

export const mutate = (template: Record<string, unknown> | undefined): fc.Arbitrary<Mutated> => {
  const keys = Object.keys(template ?? {});
  const json = (value: unknown): Mutated => ({ kind: 'json', value });
  const options: fc.Arbitrary<Mutated>[] = [
    fc.constant(template === undefined ? ({ kind: 'none' } as Mutated) : json(template)),
    fc
      .record({
        extra: fc.dictionary(
          fc.oneof(anyString, fc.constantFrom('bidderId', 'sellerId', 'passengerId', 'userId', '__proto__')),
          anyJson,
          { minKeys: 1, maxKeys: 3 },
        ),
      })
      .map(({ extra }) => json({ ...template, ...extra })),
    anyJson.map(json),
    rawGarbage.map((text): Mutated => ({ kind: 'raw', text })),
  ];
  if (keys.length > 0) {
    options.push(
      fc
        .tuple(fc.constantFrom(...keys), fc.oneof(anyJson, anyString, anyNumber))
        .map(([key, value]) => json({ ...template, [key]: value })),
      fc.constantFrom(...keys).map((key) => {
        const copy: Record<string, unknown> = { ...template };
        delete copy[key];
        return json(copy);
      }),
    );
  }
  return fc.oneof(...options.map((arbitrary, i) => ({ weight: i < 2 ? 2 : 3, arbitrary })));
};

/** A path parameter: one of the ids the world knows (so requests reach real things) or garbage. */
export const pathParam = (known: readonly string[]) =>
  fc.oneof(
    { weight: 3, arbitrary: fc.constantFrom(...known) },
    { weight: 2, arbitrary: anyString.filter((s) => s.length > 0) },
  );
