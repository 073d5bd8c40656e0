import { ViewerClient, type WebSocketConstructor } from '../../src/client/viewer-client.js';
import type { AuctionView, ChannelView } from '../../src/domain/live-feed/channel-view.js';
import type { ChannelFeedEvent, ChatSignal } from '../../src/domain/live-feed/feed-item.js';
import { ApiError, getApi, newId, postApi } from '../shared/api.js';
import { config } from '../shared/config.js';
import { byId, h, notice, render, setText } from '../shared/dom.js';
import { clockTime, count, countdown, money } from '../shared/format.js';
import { authParams, forgetToken, identity, onIdentityChange } from '../shared/identity.js';
import { bindNameField } from '../shared/name-field.js';
import { startRecommendations } from './recommendations.js';
import { eventApiTransport, outboxFor, type Outbox } from './feed-transport.js';
import { serverClock, syncServerClock } from '../shared/server-clock.js';

/** What `GET /api/channels` lists (local runtime). */
interface ChannelListing {
  channelId: string;
  title: string | null;
  status: 'SCHEDULED' | 'LIVE' | 'ENDED';
  viewerCount: number;
  openAuctions: number;
}
interface BidAnswer {
  retried: boolean;
  auction: { highest: { bidderId: string; amount: number } | null; minimumNextBid: number | null };
}

/** Presence: the player's heartbeat period (F5); the server counts a session for a few missed beats. */
const HEARTBEAT_EVERY_MS = 5_000;
const CHANNELS_EVERY_MS = 5_000;
const CLOCK_SYNC_EVERY_MS = 60_000;
/** Reconnect backoff: quick at first (a restart takes a second or two), never slower than this. */
const RECONNECT_FIRST_MS = 500;
const RECONNECT_MAX_MS = 5_000;
/** Close codes a server sends when it stops on purpose (going away, service restart). */
const SERVER_STOPPED = new Set([1001, 1012]);
/** Taps within this window travel as one `like` frame with a count (likes are rate-limited per connection). */
const LIKE_BATCH_MS = 300;
const MAX_CHAT_LINES = 200;

const el = {
  conn: byId('conn'),
  name: byId<HTMLInputElement>('user-name'),
  channels: byId<HTMLUListElement>('channels'),
  title: byId('channel-title'),
  status: byId('channel-status'),
  seller: byId('channel-seller'),
  viewers: byId('viewer-count'),
  likes: byId('like-count'),
  products: byId('products'),
  auction: byId('auction'),
  like: byId<HTMLButtonElement>('like'),
  likeNotice: byId('like-notice'),
  chatList: byId<HTMLUListElement>('chat-list'),
  chatForm: byId<HTMLFormElement>('chat-form'),
  chatInput: byId<HTMLInputElement>('chat-input'),
  chatSend: byId<HTMLButtonElement>('chat-send'),
  chatNotice: byId('chat-notice'),
};

// ---- identity (see shared/identity.ts: the one place to switch to signed tokens) ----
bindNameField(el.name, byId('name-notice'));
onIdentityChange(() => {
  // The WebSocket identifies the viewer when it connects: reconnect under the new name.
  if (room) void openRoom(room.channelId);
});

// ---- the room: one viewer client per joined channel ----
interface Room {
  readonly channelId: string;
  readonly client: ViewerClient;
  /** Chat, likes and heartbeats: on the WebSocket, or over HTTP with the AppSync Events broadcaster. */
  outbox: Outbox;
  readonly sessionId: string;
  sequence: number;
  likes: number;
  pendingLikes: number;
  readonly bids: Map<string, { bidderId: string; amount: number; at: number }[]>;
  readonly timers: ReturnType<typeof setInterval>[];
  closedByUs: boolean;
}
let room: Room | null = null;
let reconnectDelay = RECONNECT_FIRST_MS;
/** What the indicator says while a connection is being re-made (why it was lost). */
let reconnectingText = 'reconnecting…';
let reconnectingTo: string | null = null;

const channelFound = (view: ChannelView | undefined): boolean => view !== undefined && view.status !== 'UNKNOWN';

const setConnection = (state: 'connecting' | 'open' | 'reconnecting' | 'closed', text: string): void => {
  el.conn.dataset['state'] = state;
  setText(el.conn, text);
  updateControls();
};

/** Chat, Like and Bid work only on an open connection to a channel that exists. */
const updateControls = (): void => {
  const usable = el.conn.dataset['state'] === 'open' && channelFound(room?.client.view);
  el.like.disabled = !usable;
  el.chatInput.disabled = !usable;
  el.chatSend.disabled = !usable;
  for (const control of el.auction.querySelectorAll<HTMLInputElement | HTMLButtonElement>(
    '.bid-form input, .bid-form button',
  ))
    control.disabled = !usable;
};

/** Opens the room again after a backoff, unless the viewer picked another channel meanwhile. */
const scheduleReconnect = (channelId: string): void => {
  reconnectingTo = channelId;
  setConnection('reconnecting', reconnectingText);
  setTimeout(() => {
    if (!room && reconnectingTo === channelId) void openRoom(channelId);
  }, reconnectDelay);
  reconnectDelay = Math.min(RECONNECT_MAX_MS, reconnectDelay * 2);
};

/** The browser's WebSocket, reporting open and close to the page (the client owns the socket). */
const observedWebSocket = (onOpen: () => void, onClose: (code: number) => void): WebSocketConstructor =>
  class extends WebSocket {
    constructor(url: string, protocols?: string | string[]) {
      super(url, protocols);
      this.addEventListener('open', onOpen);
      this.addEventListener('close', (e) => onClose(e.code));
    }
  } as unknown as WebSocketConstructor;

const wsUrlFor = async (): Promise<string> => {
  const url = new URL(config.wsUrl);
  for (const [key, value] of Object.entries(await authParams())) url.searchParams.set(key, value);
  return url.href;
};

const closeRoom = (): void => {
  if (!room) return;
  room.closedByUs = true;
  for (const t of room.timers) clearInterval(t);
  room.client.close();
  room = null;
};
// Leaving the page closes the room: the client's end beacon (sendBeacon survives the unload) stops the count at once.
addEventListener('pagehide', closeRoom);

const openRoom = async (channelId: string): Promise<void> => {
  // Coming back to the same channel after a lost connection: keep its chat and say why we reconnect.
  const rejoining = room === null && el.conn.dataset['state'] === 'reconnecting' && reconnectingTo === channelId;
  closeRoom();
  reconnectingTo = null;
  history.replaceState(null, '', `#${encodeURIComponent(channelId)}`);
  highlightChannel(channelId);
  productsKey = '';
  auctionKey = '';
  if (!rejoining) render(el.chatList, h('li', { class: 'empty' }, 'Say hello.'));
  setConnection(rejoining ? 'reconnecting' : 'connecting', rejoining ? reconnectingText : 'connecting…');
  const state: Room = {
    channelId,
    client: undefined as unknown as ViewerClient,
    outbox: undefined as unknown as Outbox,
    // A session per join: a closed socket ends its session for good (presence), so a rejoin is a new one.
    sessionId: newId('sess'),
    sequence: 0,
    likes: 0,
    pendingLikes: 0,
    bids: new Map(),
    timers: [],
    closedByUs: false,
  };
  let joined = false;
  let transport: Awaited<ReturnType<typeof eventApiTransport>>;
  try {
    transport = await eventApiTransport();
  } catch {
    closeRoom();
    reconnectingText = 'cannot watch: no sign-in — retrying…';
    scheduleReconnect(channelId);
    return;
  }
  const client = new ViewerClient({
    httpUrl: config.apiBase || location.origin,
    wsUrl: transport ? '' : await wsUrlFor(),
    ...(transport ? { transport } : {}),
    channelId,
    // Bound: the client calls its fetch as a method, and the browser's refuses a foreign `this`.
    fetch: (url, init) => fetch(url, { ...init, cache: 'no-store' }),
    WebSocket: observedWebSocket(
      () => undefined,
      (code) => {
        if (state.closedByUs || room !== state || !joined) return;
        reconnectingText = SERVER_STOPPED.has(code)
          ? 'server restarted — reconnecting…'
          : 'connection lost — reconnecting…';
        closeRoom();
        scheduleReconnect(channelId);
      },
    ),
    // The page re-makes the whole connection itself: a fresh token and a new snapshot.
    rejoin: false,
    syncIntervalMs: 30_000,
    onEvent: (event, _covers, view) => onFeedEvent(state, event, view),
    onChat: (chat) => showChat(chat),
    onLikes: (likes) => {
      state.likes += likes.count;
      setText(el.likes, count(state.likes));
    },
    onServerError: (frame) => {
      const target = frame.code === 'RATE_LIMITED' || frame.field === 'text' ? el.chatNotice : el.likeNotice;
      if (frame.code !== 'RECOVERY_FAILED' && frame.code !== 'REJOIN_FAILED') notice(target, 'error', frame.message);
    },
  });
  (state as { client: ViewerClient }).client = client;
  state.outbox = outboxFor(client, channelId);
  room = state;
  try {
    await client.connect();
  } catch {
    if (room !== state) return;
    // The browser does not say why a handshake was refused. The likeliest cause with a server
    // that answers is a token it no longer accepts (a restarted runtime has a new development
    // issuer): drop it, so the next attempt gets a new one. The error text (it holds the
    // socket URL, token included) never reaches the screen.
    forgetToken();
    closeRoom();
    if (reconnectingText === 'reconnecting…') reconnectingText = 'cannot reach the live server — retrying…';
    scheduleReconnect(channelId);
    return;
  }
  if (room !== state) return;
  joined = true;
  reconnectDelay = RECONNECT_FIRST_MS;
  reconnectingText = 'reconnecting…';
  notice(el.chatNotice, 'info', '');
  setConnection('open', 'live');
  renderStage(client.view);
  const beat = (): void => {
    // The join answer granted a beacon: the client beats over it (HTTP /beat every 5 s), not with frames.
    if (client.beaconSession !== null) return;
    // A lost beat is not retried: the next one counts the session again (the socket may be closing,
    // and a reconnect starts a new session).
    state.outbox.heartbeat(state.sessionId, ++state.sequence).catch(() => undefined);
  };
  beat();
  state.timers.push(setInterval(beat, HEARTBEAT_EVERY_MS));
};

// ---- rendering the channel view ----
const onFeedEvent = (state: Room, event: ChannelFeedEvent, view: ChannelView): void => {
  if (room !== state) return;
  if (event.sourceType === 'BidPlaced') {
    const auctionId = event.streamId.replace(/^auction-/, '');
    const d = event.data as { bidderId: string; amount: number; placedAt?: number };
    const list = state.bids.get(auctionId) ?? [];
    list.unshift({ bidderId: d.bidderId, amount: d.amount, at: d.placedAt ?? event.occurredAt });
    state.bids.set(auctionId, list.slice(0, 20));
  }
  renderStage(view, event);
};

const statusBadge = (status: ChannelView['status']): [string, string] => {
  switch (status) {
    case 'LIVE':
      return ['badge badge-live', 'LIVE'];
    case 'SCHEDULED':
      return ['badge badge-muted', 'starting soon'];
    case 'ENDED':
      return ['badge badge-muted', 'ended'];
    default:
      return ['badge badge-muted', 'not found'];
  }
};

/** The auction to show: the open one ending soonest, else the one that closed last. */
const featuredAuction = (view: ChannelView): AuctionView | null => {
  const all = Object.values(view.auctions);
  const open = all.filter((a) => a.status === 'OPEN').sort((a, b) => a.endsAt - b.endsAt);
  return open[0] ?? all.sort((a, b) => b.endsAt - a.endsAt)[0] ?? null;
};

let shownAuctionId: string | null = null;
let bidInput: HTMLInputElement | null = null;
let auctionParts: { countdown: HTMLElement; endsAt: number; open: boolean } | null = null;

const renderStage = (view: ChannelView, event?: ChannelFeedEvent): void => {
  setText(el.title, view.title ?? view.channelId);
  const [cls, label] = statusBadge(view.status);
  el.status.className = cls;
  setText(el.status, label);
  setText(el.seller, view.sellerId ? `by ${view.sellerId}` : '');
  setText(el.viewers, count(view.viewerCount));
  renderProducts(view, event);
  renderAuction(view);
  updateControls();
};

let productsKey = '';
const renderProducts = (view: ChannelView, event?: ChannelFeedEvent): void => {
  const products = Object.values(view.products);
  // Re-render only when a product changed (viewer counts arrive every second).
  const key = JSON.stringify([view.currency, products]);
  if (key === productsKey) return;
  productsKey = key;
  if (products.length === 0) {
    render(el.products, h('p', { class: 'empty' }, 'No products yet.'));
    return;
  }
  const changed = event?.eventType === 'PRICE_UPDATED' ? (event.data as { productId?: string }).productId : undefined;
  render(
    el.products,
    ...products.map((p) =>
      h(
        'div',
        { class: `product${p.productId === changed ? ' flash' : ''}`, 'data-product-id': p.productId },
        h('div', { class: 'name' }, p.name),
        h('div', { class: 'muted' }, p.category),
        h('div', { class: 'price', 'data-testid': 'price' }, money(p.price, view.currency)),
      ),
    ),
  );
};

let auctionKey = '';
const renderAuction = (view: ChannelView): void => {
  const auction = featuredAuction(view);
  // Re-render only when the auction changed, so an amount being typed keeps its focus.
  const key = JSON.stringify([
    auction,
    auction ? view.products[auction.productId]?.name : null,
    auction ? room?.bids.get(auction.auctionId)?.length : 0,
    identity().userId,
  ]);
  if (key === auctionKey) return;
  auctionKey = key;
  if (!auction) {
    shownAuctionId = null;
    auctionParts = null;
    render(el.auction, h('p', { class: 'empty' }, 'No auction running on this channel.'));
    return;
  }
  const product = view.products[auction.productId];
  const open = auction.status === 'OPEN';
  // Keep the amount the viewer is typing unless the auction changed or the amount fell below the minimum.
  const typed = shownAuctionId === auction.auctionId && bidInput ? Number(bidInput.value) : NaN;
  const minimum = auction.minimumNextBid ?? 0;
  const amount = Number.isFinite(typed) && typed >= minimum ? typed : minimum;
  shownAuctionId = auction.auctionId;

  const countdownEl = h('div', { class: 'countdown', 'data-testid': 'countdown' }, '--:--');
  auctionParts = { countdown: countdownEl, endsAt: auction.endsAt, open };
  const input = h('input', {
    type: 'number',
    min: minimum,
    step: auction.minIncrement,
    value: amount,
    'aria-label': 'Bid amount',
    'data-testid': 'bid-amount',
  });
  bidInput = input;
  const bidButton = h('button', { class: 'primary', type: 'submit', 'data-testid': 'bid' }, 'Bid');
  const quick = h(
    'button',
    { type: 'button', title: 'Set the amount to the minimum next bid' },
    `Min ${money(minimum, auction.currency)}`,
  );
  quick.addEventListener('click', () => (input.value = String(auction.minimumNextBid ?? minimum)));
  const plus = h(
    'button',
    { type: 'button', title: 'Raise by one increment' },
    `+${money(auction.minIncrement, auction.currency)}`,
  );
  plus.addEventListener(
    'click',
    () => (input.value = String(Math.max(Number(input.value) || 0, minimum) + auction.minIncrement)),
  );
  const bidNotice = h('p', { class: 'notice', role: 'status', id: 'bid-notice' });
  const form = h('form', { class: 'row bid-form', novalidate: true }, input, bidButton, quick, plus);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    void placeBid(auction, Number(input.value), bidButton, bidNotice);
  });

  const outcome =
    auction.outcome?.outcome === 'SOLD'
      ? `Sold to ${auction.outcome.winnerId} for ${money(auction.outcome.price, auction.currency)}`
      : auction.outcome?.outcome === 'NO_SALE'
        ? 'Closed without a bid'
        : null;
  const history = room?.bids.get(auction.auctionId) ?? [];
  const lines =
    history.length > 0
      ? history
      : auction.highestBid
        ? [{ bidderId: auction.highestBid.bidderId, amount: auction.highestBid.amount, at: 0 }]
        : [];
  const mine = identity().userId;

  render(
    el.auction,
    h(
      'div',
      { class: 'auction', 'data-auction-id': auction.auctionId },
      h(
        'div',
        { class: 'auction-head' },
        h(
          'div',
          {},
          h('strong', {}, product?.name ?? auction.productId),
          ' ',
          h('span', { class: `badge ${open ? 'badge-open' : 'badge-closed'}` }, open ? 'open' : 'closed'),
        ),
        countdownEl,
      ),
      h(
        'div',
        { class: 'auction-figures' },
        h(
          'div',
          {},
          h('div', { class: 'label' }, 'Highest bid'),
          h(
            'div',
            { class: 'big', 'data-testid': 'highest-bid' },
            auction.highestBid ? money(auction.highestBid.amount, auction.currency) : '–',
          ),
          h(
            'div',
            { class: 'muted', 'data-testid': 'highest-bidder' },
            auction.highestBid
              ? `by ${auction.highestBid.bidderId}${auction.highestBid.bidderId === mine ? ' (you)' : ''}`
              : 'no bids yet',
          ),
        ),
        h('div', {}, h('div', { class: 'label' }, 'Bids'), h('div', { class: 'big' }, count(auction.bidCount))),
        h(
          'div',
          {},
          h('div', { class: 'label' }, 'Starting price'),
          h('div', { class: 'big' }, money(auction.startingPrice, auction.currency)),
        ),
      ),
      open ? form : h('p', { class: 'notice notice-info', 'data-testid': 'auction-outcome' }, outcome ?? 'Closed'),
      open ? bidNotice : null,
      h(
        'ul',
        { class: 'bids', 'data-testid': 'bids' },
        ...lines.map((b) =>
          h('li', {}, h('span', {}, b.bidderId), h('span', { class: 'num' }, money(b.amount, auction.currency))),
        ),
      ),
    ),
  );
  tickCountdown();
};

const tickCountdown = (): void => {
  if (!auctionParts) return;
  const left = auctionParts.endsAt - serverClock.now();
  setText(auctionParts.countdown, auctionParts.open ? countdown(left) : 'ended');
  auctionParts.countdown.classList.toggle('ending', auctionParts.open && left < 10_000);
};
setInterval(tickCountdown, 250);

const BID_ERRORS: Record<string, string> = {
  AUCTION_CLOSED: 'The auction has closed.',
  SELLER_CANNOT_BID: 'The seller cannot bid on their own auction.',
};

const placeBid = async (
  auction: AuctionView,
  amount: number,
  button: HTMLButtonElement,
  out: HTMLElement,
): Promise<void> => {
  if (!Number.isSafeInteger(amount) || amount <= 0) {
    notice(out, 'error', 'Enter a whole amount.');
    return;
  }
  button.disabled = true;
  // The bid id is chosen here, so a retried request counts once (G6).
  const bidId = newId('bid');
  try {
    const answer = await postApi<BidAnswer>(`/api/auctions/${encodeURIComponent(auction.auctionId)}/bids`, {
      bidId,
      amount,
    });
    notice(
      out,
      'ok',
      answer.retried ? 'That bid was already placed.' : `Bid of ${money(amount, auction.currency)} accepted.`,
    );
  } catch (error) {
    const minimum = error instanceof ApiError ? error.details['minimum'] : undefined;
    // The server's message has the bare number; the page words it in its own currency format.
    const message = !(error instanceof ApiError)
      ? 'The bid could not be sent; try again.'
      : error.code === 'BID_TOO_LOW' && typeof minimum === 'number'
        ? `Too low: a bid must be at least ${money(minimum, auction.currency)}.`
        : (BID_ERRORS[error.code] ?? error.message);
    notice(out, 'error', message);
  } finally {
    button.disabled = false;
  }
};

// ---- chat and likes ----
const showChat = (chat: ChatSignal): void => {
  el.chatList.querySelector('.empty')?.remove();
  const mine = chat.userId === identity().userId;
  el.chatList.append(
    h(
      'li',
      { class: mine ? 'mine' : undefined, 'data-testid': 'chat-line' },
      h('span', { class: 'author' }, chat.userId),
      chat.text,
      h('span', { class: 'muted mono' }, ` ${clockTime(chat.at)}`),
    ),
  );
  while (el.chatList.children.length > MAX_CHAT_LINES) el.chatList.firstElementChild?.remove();
  el.chatList.scrollTop = el.chatList.scrollHeight;
};

el.chatForm.addEventListener('submit', (e) => {
  e.preventDefault();
  const text = el.chatInput.value.trim();
  if (!text || !room) return;
  const sent = room.outbox.chat(text);
  el.chatInput.value = '';
  notice(el.chatNotice, 'info', '');
  sent.catch((error: unknown) => {
    // Over HTTP the server says why (too fast, too long); a closing socket cannot.
    if (el.chatInput.value === '') el.chatInput.value = text;
    notice(
      el.chatNotice,
      'error',
      error instanceof ApiError ? error.message : 'Not sent: the connection is being re-made; try again in a moment.',
    );
  });
});

let likeTimer: ReturnType<typeof setTimeout> | null = null;
el.like.addEventListener('click', () => {
  if (!room) return;
  room.pendingLikes++;
  likeTimer ??= setTimeout(() => {
    likeTimer = null;
    if (!room || room.pendingLikes === 0) return;
    const n = Math.min(100, room.pendingLikes);
    room.pendingLikes = 0;
    room.outbox.like(n).then(
      () => notice(el.likeNotice, 'info', ''),
      (error: unknown) => {
        // A closing socket drops the taps with the connection; the HTTP API says why it refused.
        if (error instanceof ApiError) notice(el.likeNotice, 'error', error.message);
      },
    );
  }, LIKE_BATCH_MS);
});

// ---- channel list ----
const channelButtons = new Map<string, HTMLButtonElement>();

const highlightChannel = (channelId: string): void => {
  for (const [id, button] of channelButtons) button.setAttribute('aria-pressed', String(id === channelId));
};

const loadChannels = async (): Promise<ChannelListing[]> => {
  try {
    const { channels } = await getApi<{ channels: ChannelListing[] }>('/api/channels?status=LIVE');
    channelButtons.clear();
    if (channels.length === 0) render(el.channels, h('li', { class: 'empty' }, 'No channel is live right now.'));
    else
      render(
        el.channels,
        ...channels.map((c) => {
          const button = h(
            'button',
            { type: 'button', 'data-channel-id': c.channelId, 'aria-pressed': String(room?.channelId === c.channelId) },
            h('span', { class: 'title' }, c.title ?? c.channelId),
            h('span', { class: 'muted num viewers', title: 'watching now' }, count(c.viewerCount)),
          );
          button.addEventListener('click', () => void openRoom(c.channelId));
          channelButtons.set(c.channelId, button);
          return h('li', {}, button);
        }),
      );
    // The room says 'not found' (it was joined before the channel existed, e.g. just after a
    // restart) while the list has it live: join it again.
    if (room && room.client.view.status === 'UNKNOWN' && channels.some((c) => c.channelId === room?.channelId))
      void openRoom(room.channelId);
    return channels;
  } catch (error) {
    render(
      el.channels,
      h(
        'li',
        { class: 'empty' },
        error instanceof ApiError && error.status === 501
          ? 'Open a channel by its id: add #<channelId> to the address.'
          : 'Channels unavailable; retrying…',
      ),
    );
    return [];
  }
};

// ---- start ----
const start = async (): Promise<void> => {
  void syncServerClock();
  setInterval(() => void syncServerClock(), CLOCK_SYNC_EVERY_MS);
  startRecommendations((channelId) => void openRoom(channelId));
  const channels = await loadChannels();
  setInterval(() => void loadChannels(), CHANNELS_EVERY_MS);
  const fromHash = decodeURIComponent(location.hash.slice(1));
  const first = fromHash || channels[0]?.channelId;
  if (first) void openRoom(first);
  else setConnection('closed', 'no channel');
};
window.addEventListener('hashchange', () => {
  const id = decodeURIComponent(location.hash.slice(1));
  if (id && id !== room?.channelId) void openRoom(id);
});
void start();
