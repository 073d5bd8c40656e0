import WebSocket from 'ws';
import { ViewerClient, type WebSocketConstructor } from '../../client/viewer-client.js';
import { runCommand, UsageError, type CommandSpec } from './command-line.js';

const DEFAULT_URL = 'http://127.0.0.1:3000';

const spec: CommandSpec = {
  command: 'npx tsx src/entrypoints/cli/watch-channel.ts',
  name: 'watch-channel',
  summary:
    'A terminal viewer: joins a channel of a running Stampede (npm start, or a deployed stack) the way a browser does — ' +
    'the same client code, snapshot, ordering and gap recovery — and prints every applied event, chat message and like. ' +
    'Useful to watch the fan-out while poking the HTTP API with curl. Ctrl-C leaves.',
  positionals: [
    {
      name: '<channelId>',
      help: 'The channel to watch, e.g. demo-1 (curl $BASE/api/channels lists them).',
      required: true,
    },
  ],
  flags: [
    {
      name: 'url',
      group: 'Server',
      type: 'string',
      placeholder: 'http-url',
      help: 'Where the HTTP API answers (the npm start banner prints it).',
      default: DEFAULT_URL,
      env: 'STAMPEDE_URL',
    },
    {
      name: 'ws',
      group: 'Server',
      type: 'string',
      placeholder: 'ws-url',
      help: 'The WebSocket endpoint, when it is not <url>/ws (a deployed stack: its WebSocket API URL).',
      default: '<url with ws:>/ws',
    },
  ],
  examples: [
    'npx tsx src/entrypoints/cli/watch-channel.ts demo-1 --url http://127.0.0.1:$PORT',
    'npx tsx src/entrypoints/cli/watch-channel.ts demo-1 --url "$BASE"',
  ],
};

const httpUrlOf = (raw: string): string => {
  const url = URL.canParse(raw) ? new URL(raw) : null;
  if (!url || !['http:', 'https:'].includes(url.protocol)) {
    throw new UsageError(`--url must be an http:// or https:// URL such as ${DEFAULT_URL}, got "${raw}"`);
  }
  return raw.replace(/\/$/, '');
};

/** A clear line when nothing answers, rather than the WebSocket's error event. */
const assertServerAnswers = async (httpUrl: string): Promise<void> => {
  try {
    await fetch(`${httpUrl}/api/health`, { signal: AbortSignal.timeout(5_000) });
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    const why = cause?.code ?? cause?.message ?? (error as Error).message;
    throw new UsageError(
      `no server answers at ${httpUrl} (${why}): start one with npm start, or point --url at the one running`,
    );
  }
};

await runCommand(spec, async ({ values, positionals }) => {
  const channelId = positionals[0];
  if (!channelId) {
    throw new UsageError('which channel? e.g. watch-channel.ts demo-1 --url http://127.0.0.1:3000 (--help for more)');
  }
  const httpUrl = httpUrlOf((values['url'] as string | undefined) ?? process.env['STAMPEDE_URL'] ?? DEFAULT_URL);
  const wsUrl = (values['ws'] as string | undefined) ?? `${httpUrl.replace(/^http/, 'ws')}/ws`;
  if (!/^wss?:\/\//.test(wsUrl) || !URL.canParse(wsUrl)) {
    throw new UsageError(`--ws must be a ws:// or wss:// URL, got "${wsUrl}"`);
  }
  await assertServerAnswers(httpUrl);
  const client = new ViewerClient({
    httpUrl,
    wsUrl,
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
  const versions = client.versions();
  console.log(
    Object.keys(versions).length === 0
      ? `joined ${channelId}, which has no events yet (a channel that does not exist starts empty); Ctrl-C to leave`
      : `joined ${channelId} at ${JSON.stringify(versions)}; Ctrl-C to leave`,
  );
  process.on('SIGINT', () => {
    client.close();
    process.exit(0);
  });
  return undefined;
});
