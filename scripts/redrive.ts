/**
 * `npm run redrive -- <queue-name-or-url> [filters]` (`--help` lists them)
 *
 * Moves the messages of a dead-letter or parking queue back to their source queue (or `--to`)
 * once the cause of their failure is fixed, and reports what it moved and what it left. By
 * default only messages a consumer can read are moved. Reads the region from AWS_REGION (or
 * AWS_DEFAULT_REGION) and, against an emulator, the endpoint from AWS_ENDPOINT_URL_SQS (or
 * AWS_ENDPOINT_URL). Credentials come from the usual AWS chain.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { redriveDeadLetters } from '../src/adapters/sqs/queue-redrive.js';
import { QueueMessageKind } from '../src/application/queues/queue-message-kinds.js';

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

const usage = `usage: npm run redrive -- <queue-name-or-url> [options]

Moves messages from a dead-letter queue (e.g. the stack's BookingDlq) or the booking parking
queue (BookingParked) back to where they came from. By default only messages a consumer can
read are moved; the rest stay where they are, and the run says why for each.

options:
  --to <queue-name-or-url>  target queue (default: a parked message's own queue, else the one
                            queue whose redrive policy names this DLQ)
  --group <id>              only messages of this FIFO group, e.g. a trip id (repeatable)
  --message-id <id>         only this message, by its original id or its id here (repeatable)
  --kind <${QueueMessageKind.options.join('|')}>
                            the schema consumers read (default: a parked message's own, else
                            guessed from the queue name; without one, any JSON body counts as readable)
  --force                   also move messages no consumer can read (they fail or are parked again)
  --max <n>                 stop after n messages
  -h, --help                this text

environment:
  AWS_REGION (or AWS_DEFAULT_REGION)             required
  AWS_ENDPOINT_URL_SQS (or AWS_ENDPOINT_URL)     an emulator's endpoint, e.g. fauxqs
  credentials                                     the usual AWS chain (any value against an emulator)`;

const main = async (): Promise<number> => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: {
      to: { type: 'string' },
      max: { type: 'string' },
      group: { type: 'string', multiple: true },
      'message-id': { type: 'string', multiple: true },
      kind: { type: 'string' },
      force: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help || positionals.length !== 1) {
    (values.help ? console.log : console.error)(usage);
    return values.help ? 0 : 2;
  }
  const max = values.max === undefined ? undefined : z.coerce.number().int().positive().safeParse(values.max);
  if (max && !max.success) {
    console.error(`--max must be a positive integer, got ${values.max}\n${usage}`);
    return 2;
  }
  const kind = values.kind === undefined ? undefined : QueueMessageKind.safeParse(values.kind);
  if (kind && !kind.success) {
    console.error(`--kind must be one of ${QueueMessageKind.options.join(', ')}, got ${values.kind}`);
    return 2;
  }
  const env = Env.safeParse(process.env);
  if (!env.success) {
    for (const issue of env.error.issues) console.error(`environment ${issue.path.join('.')}: ${issue.message}`);
    return 2;
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
  const result = await redriveDeadLetters(client, {
    from: positionals[0]!,
    ...(values.to ? { to: values.to } : {}),
    ...(max?.success ? { maxMessages: max.data } : {}),
    ...(values.group ? { groups: values.group } : {}),
    ...(values['message-id'] ? { messageIds: values['message-id'] } : {}),
    ...(kind?.success ? { kind: kind.data } : {}),
    ...(values.force ? { force: true } : {}),
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

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`redrive failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
