import { z } from 'zod';
import { fetchJson } from '../shared/api.js';
import { apiUrl } from '../shared/config.js';
import { byId, h, render } from '../shared/dom.js';
import { count } from '../shared/format.js';
import { canSignIn, identity, onIdentityChange } from '../shared/identity.js';

const REFRESH_EVERY_MS = 30_000;
const TOP_N = 5;

/** What `GET /recommend/cached/{userId}` answers (snake_case, as the design names it); only what the list shows is required. */
const Answer = z.object({
  user_id: z.string(),
  recommendations: z.array(
    z.object({
      channelId: z.string().min(1),
      title: z.string().nullable().optional(),
      viewers: z.number().int().nonnegative().optional(),
      reason: z.string().optional(),
    }),
  ),
});

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
    let answer: z.infer<typeof Answer>;
    try {
      answer = Answer.parse(
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
