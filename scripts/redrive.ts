/**
 * `npm run redrive -- <queue-name-or-url> [filters]` (`--help` lists them and the environment it needs)
 *
 * Moves the messages of a dead-letter or parking queue back to their source queue (or `--to`)
 * once the cause of their failure is fixed, and reports what it moved and what it left. By
 * default only messages a consumer can read are moved. Reads the region from AWS_REGION (or
 * AWS_DEFAULT_REGION) and, against an emulator, the endpoint from AWS_ENDPOINT_URL_SQS (or
 * AWS_ENDPOINT_URL). Credentials come from the usual AWS chain.
 */
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { redriveDeadLetters } from '../src/adapters/sqs/queue-redrive.js';
import { QueueMessageKind } from '../src/application/queues/queue-message-kinds.js';
import {
  runCommand,
  UsageError,
  type CommandSpec,
  type ParsedCommandLine,
} from '../src/entrypoints/cli/command-line.js';

const Env = z
  .object({
    AWS_REGION: z.string().min(1).optional(),
    AWS_DEFAULT_REGION: z.string().min(1).optional(),
    AWS_ENDPOINT_URL_SQS: z.url().optional(),
    AWS_ENDPOINT_URL: z.url().optional(),
    AWS_ACCESS_KEY_ID: z.string().optional(),
  })
  .refine((env) => env.AWS_REGION ?? env.AWS_DEFAULT_REGION, {
    message: 'set AWS_REGION (e.g. AWS_REGION=eu-west-1)',
    path: ['AWS_REGION'],
  });

const spec: CommandSpec = {
  command: 'npm run redrive --',
  name: 'redrive',
  summary:
    "Moves messages from a dead-letter queue (e.g. the stack's BookingDlq) or the booking parking queue " +
    '(BookingParked) back to where they came from, once the cause of their failure is fixed, and reports what it ' +
    'moved and what it left. By default only messages a consumer can read are moved; the rest stay where they ' +
    'are, and the run says why for each.',
  positionals: [{ name: '<queue-name-or-url>', help: 'The dead-letter or parking queue to empty.', required: true }],
  flags: [
    {
      name: 'to',
      group: 'What to move',
      type: 'string',
      placeholder: 'queue-name-or-url',
      help: 'The target queue.',
      default: "a parked message's own queue, else the one queue whose redrive policy names this DLQ",
    },
    {
      name: 'group',
      group: 'What to move',
      type: 'string',
      multiple: true,
      placeholder: 'id',
      help: 'Only messages of this FIFO group, e.g. a trip id (repeatable).',
    },
    {
      name: 'message-id',
      group: 'What to move',
      type: 'string',
      multiple: true,
      placeholder: 'id',
      help: 'Only this message, by its original id or its id here (repeatable).',
    },
    {
      name: 'kind',
      group: 'What to move',
      type: 'string',
      placeholder: 'kind',
      help: 'The schema consumers read; without one, any JSON body counts as readable.',
      values: QueueMessageKind.options.join(' | '),
      default: "a parked message's own, else guessed from the queue name",
    },
    {
      name: 'force',
      group: 'What to move',
      type: 'boolean',
      help: 'Also move messages no consumer can read (they fail or are parked again).',
    },
    {
      name: 'max',
      group: 'What to move',
      type: 'string',
      placeholder: 'n',
      help: 'Stop after n messages.',
      values: 'a positive integer',
    },
  ],
  environment: [
    { name: 'AWS_REGION', help: 'Required (or AWS_DEFAULT_REGION): the Region of the queues, e.g. eu-west-1.' },
    {
      name: 'AWS_ENDPOINT_URL_SQS',
      help: "An emulator's endpoint, e.g. fauxqs of npm start -- --backend emulators (or AWS_ENDPOINT_URL).",
    },
    {
      name: 'AWS credentials',
      help: 'Credentials from the usual AWS chain; against an emulator any value works and none is needed.',
    },
  ],
  examples: [
    'AWS_REGION=eu-west-1 npm run redrive -- BookingDlq',
    'AWS_REGION=eu-west-1 npm run redrive -- BookingParked --group holiday-express --max 10',
  ],
};

/** Mistakes whoever runs it can fix: a queue that does not exist, no credentials, an endpoint nobody answers on. */
const isUsage = (error: unknown): boolean => {
  const name = (error as { name?: string }).name ?? '';
  const code = (error as { cause?: { code?: string }; code?: string }).code ?? '';
  return (
    /QueueDoesNotExist|NonExistentQueue|CredentialsProviderError|InvalidClientTokenId|UnrecognizedClient/.test(name) ||
    ['ECONNREFUSED', 'ENOTFOUND'].includes(code)
  );
};

const main = async ({ positionals, values }: ParsedCommandLine): Promise<number> => {
  const from = positionals[0];
  if (!from) throw new UsageError('which queue? e.g. npm run redrive -- BookingDlq (--help for more)');
  const max = values['max'] === undefined ? undefined : z.coerce.number().int().positive().safeParse(values['max']);
  if (max && !max.success) throw new UsageError(`--max must be a positive integer, got "${String(values['max'])}"`);
  const kind = values['kind'] === undefined ? undefined : QueueMessageKind.safeParse(values['kind']);
  if (kind && !kind.success) {
    throw new UsageError(
      `--kind must be one of ${QueueMessageKind.options.join(', ')}, got "${String(values['kind'])}"`,
    );
  }
  const env = Env.safeParse(process.env);
  if (!env.success) {
    throw new UsageError(
      env.error.issues.map((issue) => `environment ${issue.path.join('.')}: ${issue.message}`).join('\n'),
    );
  }
  const endpoint = env.data.AWS_ENDPOINT_URL_SQS ?? env.data.AWS_ENDPOINT_URL;
  const client = new SQSClient({
    region: env.data.AWS_REGION ?? env.data.AWS_DEFAULT_REGION,
    ...(endpoint ? { endpoint } : {}),
    // Emulators accept any credentials; spare the user from inventing some.
    ...(endpoint && !env.data.AWS_ACCESS_KEY_ID
      ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } }
      : {}),
  });
  const to = values['to'] as string | undefined;
  const groups = values['group'] as string[] | undefined;
  const messageIds = values['message-id'] as string[] | undefined;
  const where = endpoint ?? `SQS in ${env.data.AWS_REGION ?? env.data.AWS_DEFAULT_REGION}`;
  const result = await redriveDeadLetters(client, {
    from,
    ...(to ? { to } : {}),
    ...(max?.success ? { maxMessages: max.data } : {}),
    ...(groups ? { groups } : {}),
    ...(messageIds ? { messageIds } : {}),
    ...(kind?.success ? { kind: kind.data } : {}),
    ...(values['force'] ? { force: true } : {}),
  }).catch((error: unknown) => {
    const name = (error as { name?: string }).name ?? '';
    const code = (error as { code?: string }).code ?? '';
    if (/QueueDoesNotExist|NonExistentQueue/.test(name)) {
      throw new UsageError(
        `no queue "${to && !(error as Error).message.includes(from) ? to : from}" at ${where}: check the name (the stack's outputs list its queues)`,
      );
    }
    if (['ECONNREFUSED', 'ENOTFOUND'].includes(code)) {
      throw new UsageError(
        `nothing answers at ${where} (${code}): start the emulators (npm start -- --backend emulators) or unset AWS_ENDPOINT_URL_SQS`,
      );
    }
    throw error;
  });
  console.log(
    `moved ${result.moved} message(s) from ${result.from} to ${result.to}` +
      (result.failed ? `; ${result.failed} could not be sent and stay in ${result.from}` : '') +
      (result.notDeleted
        ? `; ${result.notDeleted} were sent but could not be deleted from ${result.from}: they will be moved again by the next run (consumers ignore the duplicate)`
        : '') +
      (result.notSelected ? `; ${result.notSelected} not selected by --group/--message-id stay` : ''),
  );
  if (result.unreadable.length > 0) {
    console.log(`left ${result.unreadable.length} message(s) no consumer can read (--force moves them anyway):`);
    for (const u of result.unreadable.slice(0, 20)) console.log(`  ${u.messageId}: ${u.reasons.join('; ')}`);
  }
  return result.failed > 0 ? 1 : 0;
};

await runCommand(spec, main, { isUsage });
