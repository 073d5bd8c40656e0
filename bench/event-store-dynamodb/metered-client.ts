import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { meterCapacity, type CapacityMeter } from '../../src/adapters/dynamodb/capacity-meter.js';

const region = 'us-east-1';
// Emulators accept any credentials; fixed ones keep the SDK from searching the machine for some.
const credentials = { accessKeyId: 'local', secretAccessKey: 'local' };

/** A client of its own per subject, so each meter counts that subject's requests only. */
export const meteredClient = (endpoint: string): { client: DynamoDBClient; meter: CapacityMeter } => {
  const client = new DynamoDBClient({ endpoint, region, credentials });
  return { client, meter: meterCapacity(client) };
};

/** The table Castore's DynamoDB adapter documents (README, CloudFormation example), on demand like ours, with a stream like ours. */
export const createCastoreTable = (client: DynamoDBClient, tableName: string) =>
  client.send(
    new CreateTableCommand({
      TableName: tableName,
      BillingMode: 'PAY_PER_REQUEST',
      StreamSpecification: { StreamEnabled: true, StreamViewType: 'NEW_IMAGE' },
      AttributeDefinitions: [
        { AttributeName: 'aggregateId', AttributeType: 'S' },
        { AttributeName: 'version', AttributeType: 'N' },
        { AttributeName: 'eventStoreId', AttributeType: 'S' },
        { AttributeName: 'timestamp', AttributeType: 'S' },
      ],
      KeySchema: [
        { AttributeName: 'aggregateId', KeyType: 'HASH' },
        { AttributeName: 'version', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'initialEvents',
          KeySchema: [
            { AttributeName: 'eventStoreId', KeyType: 'HASH' },
            { AttributeName: 'timestamp', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );

/** The peer's published package; not a dependency of the product, loaded only here. */
export const CASTORE_DYNAMODB_PACKAGE = '@castore/event-storage-adapter-dynamodb';

/**
 * Castore's DynamoDB adapter, or null when the package is not installed. Imported by a name in
 * a variable so that the type check and the bundle do not need it.
 */
export const loadCastoreDynamoDbAdapter = async (client: DynamoDBClient, tableName: string): Promise<unknown> => {
  const name: string = CASTORE_DYNAMODB_PACKAGE;
  try {
    const mod = (await import(name)) as {
      DynamoDBSingleTableEventStorageAdapter: new (options: {
        tableName: string;
        dynamoDBClient: DynamoDBClient;
      }) => unknown;
    };
    return new mod.DynamoDBSingleTableEventStorageAdapter({ tableName, dynamoDBClient: client });
  } catch (error) {
    if ((error as { code?: string }).code === 'ERR_MODULE_NOT_FOUND') return null;
    throw error;
  }
};
