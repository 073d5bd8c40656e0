/**
 * Where a quota or price came from. The kind travels into every line the capacity model
 * prints, so a number taken from a blog never reads like one taken from an AWS page.
 *   - aws: an AWS page (docs, pricing, blog, API reference) states it;
 *   - aws-mirror: the same AWS text read on a China-Region or translated copy of the page;
 *   - secondary: a third-party transcription or write-up (not authoritative);
 *   - unsourced: a long-standing value no stored page confirmed. Verify before relying on it.
 */
export type SourceKind = 'aws' | 'aws-mirror' | 'secondary' | 'unsourced';

export interface Source {
  readonly kind: SourceKind;
  /** The page the value was read from; null when unsourced. */
  readonly url: string | null;
  /** The day the value was checked against that page. */
  readonly checked: string;
  readonly note?: string;
}

export const CHECKED = '2026-12-02';

export const SOURCE_MARK: Record<SourceKind, string> = {
  aws: 'AWS',
  'aws-mirror': 'AWS (mirror)',
  secondary: 'secondary',
  unsourced: 'UNSOURCED',
};

export const aws = (url: string, note?: string): Source => ({
  kind: 'aws',
  url,
  checked: CHECKED,
  ...(note === undefined ? {} : { note }),
});
export const awsMirror = (url: string, note?: string): Source => ({
  kind: 'aws-mirror',
  url,
  checked: CHECKED,
  ...(note === undefined ? {} : { note }),
});
export const secondary = (url: string, note?: string): Source => ({
  kind: 'secondary',
  url,
  checked: CHECKED,
  ...(note === undefined ? {} : { note }),
});
export const unsourced = (note: string): Source => ({ kind: 'unsourced', url: null, checked: CHECKED, note });
