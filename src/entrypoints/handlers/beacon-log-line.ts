import { z } from 'zod';
import { BeaconQuery, queryFields } from '../../application/presence-stream/beacon-query.js';
import type { BeaconHit } from '../../application/presence-stream/route-beats.js';

/**
 * The CloudFront real-time log fields the stack configures, in order (infra reads this list):
 * each log record is these fields separated by tabs. `timestamp` is epoch seconds with
 * milliseconds (the edge's receive time, which becomes the beat's time); `cs-uri-query` is the
 * query string without `?` ("-" when there is none).
 */
export const BEACON_LOG_FIELDS = ['timestamp', 'cs-method', 'cs-uri-stem', 'cs-uri-query'] as const;

const Line = z.tuple([
  z.string().regex(/^\d{9,11}(\.\d{1,3})?$/, 'timestamp must be epoch seconds'),
  z.string(),
  z.literal('/beat'),
  z.string().max(1024),
]);

export type ParsedLine =
  { readonly ok: true; readonly hit: BeaconHit } | { readonly ok: false; readonly reason: string };

/** One log line → a beacon hit, or why it is not one (anything may hit `/beat`: the edge answers 204 to all). */
export const parseBeaconLogLine = (line: string): ParsedLine => {
  const fields = line.replace(/\r?\n$/, '').split('\t');
  const parsed = Line.safeParse(fields);
  if (!parsed.success)
    return { ok: false, reason: `not a beacon log line: ${parsed.error.issues[0]?.message ?? 'bad fields'}` };
  const [timestamp, method, , rawQuery] = parsed.data;
  if (method !== 'GET' && method !== 'POST') return { ok: false, reason: `method ${method}` };
  const query = BeaconQuery.safeParse(queryFields(rawQuery === '-' ? '' : rawQuery));
  if (!query.success)
    return {
      ok: false,
      reason: `bad beacon query: ${query.error.issues.map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}`,
    };
  const q = query.data;
  return {
    ok: true,
    hit: {
      channelId: q.c,
      sessionId: q.s,
      sequence: q.q,
      token: q.t,
      at: Math.round(Number(timestamp) * 1000),
      ...(q.e === '1' ? { end: true } : {}),
    },
  };
};
