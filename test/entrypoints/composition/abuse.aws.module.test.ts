import { describe, expect, it } from 'vitest';
import { InMemoryConnectionQuota } from '../../../src/adapters/in-memory/connection-quota-adapter-in-memory.js';
import { DynamoDbConnectionQuota } from '../../../src/adapters/dynamodb/connection-quota-adapter-dynamodb.js';
import { connectionQuotaOnDynamoDb } from '../../../src/entrypoints/composition/abuse.aws.module.js';
import { ABUSE_TOKENS } from '../../../src/entrypoints/composition/abuse.module.js';
import { awsFunctionContainer, awsTargetOf } from '../../../src/entrypoints/composition/aws.container.js';
import { exampleEnvironment } from '../../../src/entrypoints/composition/config.js';
import { createLocalContainer } from '../../../src/entrypoints/composition/local.container.js';
import { parseLocalConfig } from '../../../src/entrypoints/local/local-config.js';

describe('the per-user connection limit in AWS', () => {
  it('counts on the connections table in ws-connect and ws-disconnect (they run in different instances), in memory locally', () => {
    for (const name of ['ws-connect', 'ws-disconnect'] as const) {
      const container = awsFunctionContainer(name, (c) => [connectionQuotaOnDynamoDb(awsTargetOf(c), c.CONNECTIONS_TABLE)], { env: exampleEnvironment(name) });
      expect(container.get(ABUSE_TOKENS.ConnectionQuota), name).toBeInstanceOf(DynamoDbConnectionQuota);
    }
    expect(createLocalContainer({ config: parseLocalConfig({ logLevel: 'SILENT' }) }).get(ABUSE_TOKENS.ConnectionQuota)).toBeInstanceOf(InMemoryConnectionQuota);
  });
});
