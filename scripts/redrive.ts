/**
 * `npm run redrive -- <dlq-name-or-url> [--to <queue-name-or-url>] [--max <n>]`
 *
 * Moves the messages of a dead-letter queue back to its source queue (or `--to`) once the cause
 * of their failure is fixed, and reports how many it moved. Reads the region from AWS_REGION
 * (or AWS_DEFAULT_REGION) and, against an emulator, the endpoint from AWS_ENDPOINT_URL_SQS (or
 * AWS_ENDPOINT_URL). Credentials come from the usual AWS chain.
 */
import { parseArgs } from 'node:util';
import { SQSClient } from '@aws-sdk/client-sqs';
import { z } from 'zod';
import { redriveDeadLetters } from '../src/adapters/sqs/queue-redrive.js';

const Env = z
  .object({
    AWS_REGION: z.string().min(1).optional(),
    AWS_DEFAULT_REGION: z.string().min(1).optional(),
    AWS_ENDPOINT_URL_SQS: z.url().optional(),
    AWS_ENDPOINT_URL: z.url().optional(),
    AWS_ACCESS_KEY_ID: z.string().optional(),
  })
  .refine((env) => env.AWS_REGION ?? env.AWS_DEFAULT_REGION, { message: 'set AWS_REGION (e.g. AWS_REGION=eu-west-1)', path: ['AWS_REGION'] });

const usage = 'usage: npm run redrive -- <dlq-name-or-url> [--to <queue-name-or-url>] [--max <n>]';

const main = async (): Promise<number> => {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { to: { type: 'string' }, max: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
  });
  if (values.help || positionals.length !== 1) {
    console.error(usage);
    return values.help ? 0 : 2;
  }
  const max = values.max === undefined ? undefined : z.coerce.number().int().positive().safeParse(values.max);
  if (max && !max.success) {
    console.error(`--max must be a positive integer, got ${values.max}\n${usage}`);
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
    ...(endpoint && !env.data.AWS_ACCESS_KEY_ID ? { credentials: { accessKeyId: 'local', secretAccessKey: 'local' } } : {}),
  });
  const result = await redriveDeadLetters(client, { from: positionals[0]!, ...(values.to ? { to: values.to } : {}), ...(max?.success ? { maxMessages: max.data } : {}) });
  console.log(
    `moved ${result.moved} message(s) from ${result.from} to ${result.to}` +
      (result.failed ? `; ${result.failed} could not be sent and stay in the DLQ` : '') +
      (result.notDeleted ? `; ${result.notDeleted} were sent but could not be deleted from the DLQ: they will be moved again by the next run (consumers ignore the duplicate)` : ''),
  );
  return result.failed > 0 ? 1 : 0;
};

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`redrive failed: ${(error as Error).message}`);
    process.exit(1);
  },
);
