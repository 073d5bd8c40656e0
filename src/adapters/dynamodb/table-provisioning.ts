import {
  CreateTableCommand,
  DescribeTableCommand,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { TableDefinition } from './table-definitions.js';

/**
 * Creates a table (if missing) and enables its TTL: what CDK does in AWS, done here for the
 * emulator runtime and the tests. Returns the table's stream ARN when it has a stream.
 */
export const ensureTable = async (
  client: DynamoDBClient,
  tableName: string,
  definition: TableDefinition,
): Promise<{ streamArn?: string }> => {
  try {
    await client.send(new CreateTableCommand(definition.create(tableName)));
  } catch (error) {
    if (!(error instanceof ResourceInUseException)) throw error;
  }
  for (let attempt = 0; ; attempt++) {
    const { Table } = await client.send(new DescribeTableCommand({ TableName: tableName }));
    if (Table?.TableStatus === 'ACTIVE') {
      if (definition.ttlAttribute) {
        await client
          .send(
            new UpdateTimeToLiveCommand({
              TableName: tableName,
              TimeToLiveSpecification: { Enabled: true, AttributeName: definition.ttlAttribute },
            }),
          )
          .catch((error: unknown) => {
            // Enabling TTL twice is refused ("TimeToLive is already enabled"): the state we want.
            if (!(error instanceof Error && /already enabled/i.test(error.message))) throw error;
          });
      }
      return Table.LatestStreamArn ? { streamArn: Table.LatestStreamArn } : {};
    }
    if (attempt > 200) throw new Error(`table ${tableName} did not become ACTIVE; check the DynamoDB endpoint`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
};
