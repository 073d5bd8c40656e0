import { parseArgs } from 'node:util';
import WebSocket from 'ws';
import { ViewerClient, type WebSocketConstructor } from '../../client/viewer-client.js';

/**
 * A terminal viewer: `npx tsx src/entrypoints/local/watch-channel.ts <channelId> [--url http://127.0.0.1:3000]`.
 * Joins like a browser would (the same client code) and prints every applied event, chat and
 * likes; useful to watch the fan-out while poking the HTTP API with curl.
 */
const { values, positionals } = parseArgs({
  options: {
    url: { type: 'string', default: process.env['STAMPEDE_URL'] ?? 'http://127.0.0.1:3000' },
    ws: { type: 'string' },
  },
  allowPositionals: true,
});
const channelId = positionals[0];
if (!channelId) {
  console.error('usage: watch-channel.ts <channelId> [--url http://127.0.0.1:3000] [--ws ws://127.0.0.1:3000/ws]');
  process.exit(2);
}
const httpUrl = (values.url as string).replace(/\/$/, '');
const client = new ViewerClient({
  httpUrl,
  wsUrl: values.ws ?? `${httpUrl.replace(/^http/, 'ws')}/ws`,
  channelId,
  WebSocket: WebSocket as unknown as WebSocketConstructor,
  syncIntervalMs: 15_000,
  onEvent: (e, covers) =>
    console.log(
      `${e.streamId} v${covers.from === covers.to ? covers.to : `${covers.from}..${covers.to}`} ${e.eventType} ${JSON.stringify(e.data)}`,
    ),
  onChat: (c) => console.log(`chat ${c.userId}: ${c.text}`),
  onLikes: (l) => console.log(`+${l.count} likes`),
  onServerError: (e) => console.error(`error ${e.code}: ${e.message}`),
});
await client.connect();
console.log(`joined ${channelId} at ${JSON.stringify(client.versions())}; Ctrl-C to leave`);
process.on('SIGINT', () => {
  client.close();
  process.exit(0);
});
