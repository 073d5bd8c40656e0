import { parseArgs } from 'node:util';
import { flagOf, LOCAL_CONFIG_KEYS, LocalConfigError, localConfigFromEnv, envOf } from './local-config.js';
import { startLocalRuntime, type LocalRuntimeOptions } from './runtime.js';

const BOOLEAN_KEYS = new Set(['reorder', 'demo', 'allowAnonymousViewers', 'showIntegrationEvents']);

const usage = (): string =>
  [
    'Usage: npm start -- [options]   (every option is also an environment variable)',
    '',
    ...LOCAL_CONFIG_KEYS.map((key) => `  --${flagOf(key).padEnd(34)} ${envOf(key)}`),
    '',
    'Boolean options also take --no-<option>, e.g. --no-demo (npm start runs the demo by default).',
    'Example: npm start -- --port 3000 --shard-size 100 --duplicate-rate 0.05 --reorder --crash-rate 0.02',
  ].join('\n');

/** `npm start`: the whole system in one process on 127.0.0.1 (see docs/PROTOCOL.md to talk to it). */
const main = async (): Promise<void> => {
  let flags: Record<string, string | boolean | undefined>;
  try {
    const { values } = parseArgs({
      options: {
        help: { type: 'boolean', short: 'h' },
        ...Object.fromEntries(
          LOCAL_CONFIG_KEYS.map((key) => [
            flagOf(key),
            { type: BOOLEAN_KEYS.has(key) ? ('boolean' as const) : ('string' as const) },
          ]),
        ),
      },
      strict: true,
      // --no-demo (and --no-reorder) turn a boolean option off.
      allowNegative: true,
      allowPositionals: false,
    });
    flags = values;
  } catch (error) {
    console.error(`${error instanceof Error ? error.message : String(error)}\n\n${usage()}`);
    process.exit(2);
  }
  if (flags['help']) {
    console.log(usage());
    return;
  }
  const fromFlags = Object.fromEntries(
    LOCAL_CONFIG_KEYS.filter((k) => flags[flagOf(k)] !== undefined).map((k) => [k, flags[flagOf(k)]]),
  );

  let runtime;
  try {
    // Strings from flags and the environment; parseLocalConfig coerces and validates them.
    // npm start shows the demo unless told otherwise (--no-demo, STAMPEDE_DEMO=false); tests start without it.
    runtime = await startLocalRuntime({
      demo: true,
      ...localConfigFromEnv(process.env),
      ...fromFlags,
    } as LocalRuntimeOptions);
  } catch (error) {
    if (error instanceof LocalConfigError) {
      console.error(`${error.message}\n\nRun with --help for every option.`);
      process.exit(2);
    }
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      console.error('the port is in use: pick another with --port <n> or PORT=<n> (0 picks a free one)');
      process.exit(2);
    }
    throw error;
  }
  const c = runtime.config;
  console.log(
    [
      `Stampede local runtime — backend: ${c.backend} (${runtime.backend})`,
      `  Pages      ${runtime.url}/   (live room: ${runtime.url}/live/ · booking: ${runtime.url}/booking/)`,
      `  Demo       ${c.demo ? 'on: live channels, auctions, chat and trips keep moving (--no-demo to start empty)' : 'off'}`,
      `  HTTP API   ${runtime.url}/api/health`,
      `  WebSocket  ${runtime.wsUrl}   (frames: docs/PROTOCOL.md)`,
      ...(runtime.eventApi
        ? [
            `  Broadcast  appsync-events: stand-in (development only) ${runtime.eventApi.realtimeUrl} · publish ${runtime.eventApi.httpEndpoint}`,
          ]
        : [
            '  Broadcast  apigateway: frames over the WebSocket API (--broadcaster appsync-events for the AppSync Events stand-in)',
          ]),
      `  Channels   POST ${runtime.url}/api/channels · GET ${runtime.url}/api/channels/{id}`,
      `  Fan-out    shard size ${c.shardSize}, relay batch ${c.relayBatchSize}/${c.relayWindowMs} ms, fan-out batch ${c.fanoutBatchSize}/${c.fanoutWindowMs} ms, broadcast batch ${c.broadcastBatchSize} ×${c.broadcastConcurrency}`,
      `  Chaos      duplicates ${c.duplicateRate}, reorder ${c.reorder ? 'on' : 'off'}, crashes ${c.crashRate}${c.seed ? `, seed ${c.seed}` : ''}`,
      '  Ctrl-C stops.',
    ].join('\n'),
  );
  let signals = 0;
  const shutdown = (signal: string): void => {
    if (++signals > 1) {
      console.log('forced exit');
      process.exit(1);
    }
    console.log(`${signal}: stopping (connections close, event sources finish their batches)…`);
    runtime.stop().then(
      () => process.exit(0),
      (error: unknown) => {
        console.error('shutdown failed', error);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
};

await main();
