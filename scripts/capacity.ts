/**
 * `npm run capacity -- [flags]`: the capacity model (infra/capacity) for a load on the stack's
 * settings — the same infra/stack-settings.ts, cdk.json context and validation `cdk synth`
 * uses. With no flags: the live-commerce seed on the stack's defaults.
 *
 * Exit codes: 0 no hop over its limit (quota increases, if any, are listed and are not
 * failures unless --strict); 1 a hop is over its limit (a fixed AWS quota or a stack setting),
 * or with --strict any quota increase is needed; 2 bad flags (one line on stderr).
 */
import { readFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { QUOTA_IDS, type QuotaId } from '../infra/capacity/aws-quotas.js';
import type { QuotaValues } from '../infra/capacity/hop.js';
import { SEED_LOAD, type Load } from '../infra/capacity/load.js';
import { evaluateCapacity, type CapacityReport } from '../infra/capacity/model.js';
import { formatReport } from '../infra/capacity/report-format.js';
import {
  BROADCASTERS,
  PRESENCE_INGRESSES,
  STACK_CONTEXT_KEYS,
  contextFromPairs,
  parseStackSettings,
  type StackContextKey,
} from '../infra/stack-settings.js';

const HELP = `usage: npm run capacity -- [flags]

Evaluates every hop (connect, join, heartbeats, relay, Kinesis, fan-out, SQS, Lambda, delivery,
DynamoDB) for a load on the stack's settings: load, limit, utilisation, status, binding
constraint, and the cost of a peak hour. Defaults: the seed (50 × 10,000 viewers, 4 frames/s,
5 s heartbeats, joins within 60 s) on the stack's defaults and cdk.json context.

load
  --channels <n>            channels (default ${SEED_LOAD.channels})
  --viewers <n>             viewers per channel (default ${SEED_LOAD.viewersPerChannel})
  --fps <n>                 frames/s per viewer after coalescing (default ${SEED_LOAD.framesPerSecond})
  --heartbeat <s>           heartbeat interval in seconds (default ${SEED_LOAD.heartbeatSeconds})
  --join-window <s>         everyone joins within this many seconds (default ${SEED_LOAD.joinWindowSeconds})
  --feed-events <n>         feed items/s per channel before coalescing (default ${SEED_LOAD.feedEventsPerSecond})
  --frame-bytes <n>         bytes of one delivered frame (default ${SEED_LOAD.frameBytes})
stack (same keys and checks as cdk -c)
  --broadcaster <kind>      ${BROADCASTERS.join(' | ')} (= --context broadcaster=…)
  --presence <path>         ${PRESENCE_INGRESSES.join(' | ')} (= --context presenceIngress=…)
  --context <key=value>     any of: ${Object.keys(STACK_CONTEXT_KEYS).join(', ')} (repeatable)
quotas
  --quota <id=value>        evaluate against a raised quota, e.g. --quota appsync.connect-rate=10000 (repeatable)
output
  --json                    the whole report as JSON
  --strict                  a needed quota increase fails too (exit 1)
  -h, --help

exit: 0 nothing over its limit (needed increases are listed), 1 a hop over its limit
(or, with --strict, an increase needed), 2 bad flags.`;

const count = (flag: string) =>
  z.coerce
    .number({ error: `--${flag} must be a number` })
    .positive(`--${flag} must be greater than 0`)
    .finite(`--${flag} must be finite`);
const LoadFlags = z.object({
  channels: count('channels').int('--channels must be a whole number').optional(),
  viewers: count('viewers').int('--viewers must be a whole number').optional(),
  fps: count('fps').optional(),
  heartbeat: count('heartbeat').optional(),
  'join-window': count('join-window').optional(),
  'feed-events': z.coerce
    .number({ error: '--feed-events must be a number' })
    .nonnegative('--feed-events must be 0 or more')
    .optional(),
  'frame-bytes': count('frame-bytes').int('--frame-bytes must be a whole number').optional(),
});

class UsageError extends Error {}

const quotaOverrides = (pairs: readonly string[]): QuotaValues => {
  const values: QuotaValues = {};
  for (const pair of pairs) {
    const [id, raw] = pair.split('=', 2);
    if (raw === undefined || !QUOTA_IDS.includes(id as QuotaId))
      throw new UsageError(`--quota "${pair}" must be id=value with id one of ${QUOTA_IDS.join(', ')}`);
    const value = Number(raw);
    if (!Number.isFinite(value) || value <= 0)
      throw new UsageError(`--quota ${id} must be a positive number, got "${raw}"`);
    values[id as QuotaId] = value;
  }
  return values;
};

/** cdk.json's context: the app reads it too, so a tunable set there is part of "the stack's settings". */
const cdkJsonContext = (): Record<string, unknown> => {
  const file = JSON.parse(readFileSync(new URL('../cdk.json', import.meta.url), 'utf8')) as {
    context?: Record<string, unknown>;
  };
  return file.context ?? {};
};

export const run = (argv: readonly string[]): { code: number; stdout: string; stderr: string } => {
  try {
    let parsed;
    try {
      parsed = parseArgs({
        args: [...argv],
        options: {
          channels: { type: 'string' },
          viewers: { type: 'string' },
          fps: { type: 'string' },
          heartbeat: { type: 'string' },
          'join-window': { type: 'string' },
          'feed-events': { type: 'string' },
          'frame-bytes': { type: 'string' },
          broadcaster: { type: 'string' },
          presence: { type: 'string' },
          context: { type: 'string', multiple: true },
          quota: { type: 'string', multiple: true },
          json: { type: 'boolean' },
          strict: { type: 'boolean' },
          help: { type: 'boolean', short: 'h' },
        },
      });
    } catch (error) {
      throw new UsageError((error as Error).message.split('\n')[0]);
    }
    const { values } = parsed;
    if (values.help === true) return { code: 0, stdout: HELP, stderr: '' };
    const flags = LoadFlags.safeParse(values);
    if (!flags.success) throw new UsageError(flags.error.issues[0]?.message ?? 'bad flags');
    const f = flags.data;
    const load: Load = {
      channels: f.channels ?? SEED_LOAD.channels,
      viewersPerChannel: f.viewers ?? SEED_LOAD.viewersPerChannel,
      framesPerSecond: f.fps ?? SEED_LOAD.framesPerSecond,
      heartbeatSeconds: f.heartbeat ?? SEED_LOAD.heartbeatSeconds,
      joinWindowSeconds: f['join-window'] ?? SEED_LOAD.joinWindowSeconds,
      feedEventsPerSecond: f['feed-events'] ?? SEED_LOAD.feedEventsPerSecond,
      frameBytes: f['frame-bytes'] ?? SEED_LOAD.frameBytes,
    };
    const pairs = [
      ...(values.context ?? []),
      ...(values.broadcaster === undefined ? [] : [`broadcaster=${values.broadcaster}`]),
      ...(values.presence === undefined ? [] : [`presenceIngress=${values.presence}`]),
    ];
    let settings;
    try {
      const fromFlags = contextFromPairs(pairs);
      const base = cdkJsonContext();
      settings = parseStackSettings((key: StackContextKey) => fromFlags(key) ?? base[key]);
    } catch (error) {
      throw new UsageError((error as Error).message);
    }
    const report: CapacityReport = evaluateCapacity({ load, settings, quotas: quotaOverrides(values.quota ?? []) });
    const failed = report.over.length > 0 || (values.strict === true && report.increases.length > 0);
    const code = failed ? 1 : 0;
    const stdout =
      values.json === true
        ? JSON.stringify({ exitCode: code, ...report }, null, 2)
        : `${formatReport(report)}\nexit ${code}`;
    return { code, stdout, stderr: '' };
  } catch (error) {
    if (error instanceof UsageError) return { code: 2, stdout: '', stderr: `capacity: ${error.message} (see --help)` };
    throw error;
  }
};

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { code, stdout, stderr } = run(process.argv.slice(2));
  if (stdout !== '') console.log(stdout);
  if (stderr !== '') console.error(stderr);
  process.exitCode = code;
}
