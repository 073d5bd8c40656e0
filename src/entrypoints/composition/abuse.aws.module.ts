import { createDynamoDbClient, type AwsClientSettings } from '../../adapters/aws-shared/aws-clients.js';
import { DynamoDbConnectionQuota } from '../../adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { documentClientFor } from '../../adapters/dynamodb/document-client.js';
import { ABUSE_TOKENS } from './abuse.module.js';
import type { AwsPortBinding } from './aws.container.js';
import { sharedClient } from './feature-lambda.container.js';
import { TOKENS } from './tokens.js';

/**
 * The per-user connection limit on the connections table. ws-connect counts and ws-disconnect
 * releases: they run in different instances, so the count must live in DynamoDB — the
 * in-memory default would only ever see one side and refuse users whose sockets closed long ago.
 */
export const connectionQuotaOnDynamoDb =
  (s: AwsClientSettings, table: string): AwsPortBinding =>
  (bind) =>
    bind(
      ABUSE_TOKENS.ConnectionQuota,
      (get) =>
        new DynamoDbConnectionQuota(
          sharedClient('dynamodb-doc', s, () => documentClientFor(sharedClient('dynamodb', s, () => createDynamoDbClient(s)))),
          table,
          { sleeper: get(TOKENS.Sleeper) },
        ),
    );
