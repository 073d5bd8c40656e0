import { runCommand, UsageError, type ParsedCommandLine } from '../cli/command-line.js';
import { dropSqliteExperimentalWarning } from '../cli/sqlite-warning.js';
import { DataDirLockedError } from '../../adapters/local/data-dir-lock.js';
import { EmulatorUnavailableError } from '../../adapters/local/emulators/dynamodb-local.js';
import { flagOf, LOCAL_CONFIG_KEYS, LocalConfigError, localConfigFromEnv } from './local-config.js';
import { LOCAL_BACKENDS } from './local-backends.js';
import { localCommandSpec } from './local-flags.js';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from './runtime.js';

dropSqliteExperimentalWarning();

/** A mistake of whoever ran `npm start` (a bad setting, a missing Java, a port in use): one line, exit 2. */
const isUsage = (error: unknown): boolean =>
  error instanceof LocalConfigError || error instanceof EmulatorUnavailableError || error instanceof DataDirLockedError;

/** What survives a restart, said at start and on shutdown (README, "What each backend keeps across a restart"). */
const stateLine = (c: { backend: string; dataDir?: string | undefined }): string =>
  c.dataDir
    ? `kept in ${c.dataDir}: a restart with --data-dir ${c.dataDir} resumes (seats, queued requests, tokens, pollers' positions)`
    : c.backend === 'memory'
      ? 'lives only in this process: seats, queued requests, channels and tokens are gone when it stops. To keep them: --backend emulators --data-dir DIR'
      : 'lives only as long as this process (the emulators run in memory). To keep it: --data-dir DIR';

/** `npm start`: the whole system in one process on 127.0.0.1 (see docs/PROTOCOL.md to talk to it). */
const main = async ({ values: flags }: ParsedCommandLine): Promise<undefined> => {
  const fromFlags = Object.fromEntries(
    LOCAL_CONFIG_KEYS.filter((k) => flags[flagOf(k)] !== undefined).map((k) => [k, flags[flagOf(k)]]),
  );

  let runtime: LocalRuntime;
  try {
    // Strings from flags and the environment; parseLocalConfig coerces and validates them.
    // npm start shows the demo unless told otherwise (--no-demo, STAMPEDE_DEMO=false); tests start without it.
    runtime = await startLocalRuntime({
      demo: true,
      ...localConfigFromEnv(process.env),
      ...fromFlags,
    } as LocalRuntimeOptions);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new UsageError(
        `port ${String((error as { port?: number }).port ?? '')} is in use: pick another with --port <n> or PORT=<n> (0 picks a free one)`,
      );
    }
    if (error instanceof EmulatorUnavailableError) {
      // Its message may quote a tool's output over several lines: one line here.
      throw new EmulatorUnavailableError(`--backend emulators cannot start: ${error.message.replace(/\s+/g, ' ')}`, {
        cause: error,
      });
    }
    throw error;
  }
  const c = runtime.config;
  console.log(
    [
      `Stampede local runtime — backend: ${c.backend} (${runtime.backend})`,
      `  Pages      ${runtime.url}/   (live room: ${runtime.url}/live/ · booking: ${runtime.url}/booking/)`,
      `  Demo       ${c.demo ? 'on: live channels, auctions, chat and trips keep moving (--no-demo to start empty)' : 'off'}`,
      `  HTTP API   ${runtime.url}/api/health   (per-stage backlog and DLQ: ${runtime.url}/api/status)`,
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
      `  State      ${stateLine(c)}`,
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
    if (!c.dataDir) console.log(`  State ${stateLine(c)}`);
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
  return undefined;
};

await runCommand(localCommandSpec(Object.keys(LOCAL_BACKENDS)), main, { isUsage });
