import { fetchJson } from '../shared/api.js';
import { apiUrl } from '../shared/config.js';
import { byId, h, render } from '../shared/dom.js';
import { count } from '../shared/format.js';
import { canSignIn, identity, onIdentityChange } from '../shared/identity.js';

const REFRESH_EVERY_MS = 30_000;
const TOP_N = 5;

interface Recommendation {
  readonly channelId: string;
  readonly title?: string | null;
  readonly viewers?: number;
  readonly reason?: string;
}
interface Answer {
  readonly user_id: string;
  readonly recommendations: readonly Recommendation[];
}

const optional = (value: unknown, ok: (v: unknown) => boolean): boolean => value === undefined || ok(value);
const isRecommendation = (r: unknown): r is Recommendation => {
  if (typeof r !== 'object' || r === null) return false;
  const { channelId, title, viewers, reason } = r as Record<string, unknown>;
  return (
    typeof channelId === 'string' &&
    channelId !== '' &&
    optional(title, (t) => t === null || typeof t === 'string') &&
    optional(viewers, (v) => Number.isSafeInteger(v) && (v as number) >= 0) &&
    optional(reason, (x) => typeof x === 'string')
  );
};

/**
 * What `GET /recommend/cached/{userId}` answers (snake_case, as the design names it); only what
 * the list shows is checked. A hand-written guard, not zod: zod in the page bundle cost ~190 KB
 * of its ~220 KB for these four fields (zod/mini: ~18 KB; docs/PROTOCOL.md, "Bundle size").
 */
const readAnswer = (body: unknown): Answer => {
  const a = body as Partial<Record<keyof Answer, unknown>> | null;
  if (
    typeof a !== 'object' ||
    a === null ||
    typeof a.user_id !== 'string' ||
    !Array.isArray(a.recommendations) ||
    !a.recommendations.every(isRecommendation)
  )
    throw new Error('unexpected recommendations answer');
  return a as Answer;
};

/**
 * 'For you' under the live channels: the recommendations for the signed-in viewer (a page
 * without a token endpoint is anonymous and shows none). A failed or empty answer hides the
 * list rather than showing an error: recommendations are a bonus, never in the way.
 */
export const startRecommendations = (open: (channelId: string) => void): void => {
  const section = byId('recs-section');
  const list = byId<HTMLUListElement>('recs');
  if (!canSignIn()) return;
  let asked = 0;
  const load = async (): Promise<void> => {
    const ask = ++asked;
    const { userId } = identity();
    let answer: Answer;
    try {
      answer = readAnswer(
        await fetchJson<unknown>(apiUrl(`/recommend/cached/${encodeURIComponent(userId)}?top_n=${TOP_N}`), {
          cache: 'no-store',
        }),
      );
    } catch {
      return; // keep what is shown; the next refresh asks again
    }
    if (ask !== asked || answer.user_id !== userId) return; // the name changed meanwhile
    section.hidden = answer.recommendations.length === 0;
    render(
      list,
      ...answer.recommendations.map((r) => {
        const button = h(
          'button',
          { type: 'button', 'data-channel-id': r.channelId },
          h('span', { class: 'title' }, r.title ?? r.channelId),
          r.reason === 'FOR_YOU' ? h('span', { class: 'badge badge-queued reason' }, 'for you') : null,
          r.viewers === undefined
            ? null
            : h('span', { class: 'muted num viewers', title: 'watching now' }, count(r.viewers)),
        );
        button.addEventListener('click', () => open(r.channelId));
        return h('li', {}, button);
      }),
    );
  };
  void load();
  setInterval(() => void load(), REFRESH_EVERY_MS);
  onIdentityChange(() => void load());
};
