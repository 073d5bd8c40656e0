import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { Clock } from '../../application/ports/clock.port.js';
import type { ConnectionSessions, SessionBinding } from '../../application/ports/connection-sessions.port.js';

// API Gateway closes a WebSocket connection after 2 hours at most: a binding never outlives that.
const CONNECTION_MAX_LIFETIME_SECONDS = 2 * 3600;
const keyOf = (connectionId: string) => ({ pk: `session#${connectionId}`, sk: 'session' });

/**
 * Connection → viewer session bindings on the connections table (pk/sk), beside the registry's
 * items (their prefixes `ch#`/`conn#` never meet `session#`). `$disconnect` is best effort in
 * API Gateway, so every binding carries a TTL and expires with the connection if never released.
 * `release` is one Delete returning the old item: two racing releases see the binding once.
 */
export class DynamoDbConnectionSessions implements ConnectionSessions {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: { readonly clock: Clock },
  ) {}

  async bind(connectionId: string, binding: SessionBinding): Promise<void> {
    const ttl = Math.floor(this.options.clock.now() / 1000) + CONNECTION_MAX_LIFETIME_SECONDS;
    await this.client.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...keyOf(connectionId), channelId: binding.channelId, sessionId: binding.sessionId, ttl },
      }),
    );
  }

  async release(connectionId: string): Promise<SessionBinding | null> {
    let Attributes: Record<string, unknown> | undefined;
    try {
      // The condition makes the delete-and-return a compare-and-delete: of two racing releases
      // exactly one sees the item (DynamoDB Local does not serialise unconditional deletes).
      ({ Attributes } = await this.client.send(
        new DeleteCommand({
          TableName: this.tableName,
          Key: keyOf(connectionId),
          ConditionExpression: 'attribute_exists(pk)',
          ReturnValues: 'ALL_OLD',
        }),
      ));
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return null;
      throw error;
    }
    if (!Attributes || typeof Attributes['channelId'] !== 'string' || typeof Attributes['sessionId'] !== 'string')
      return null;
    return { channelId: Attributes['channelId'], sessionId: Attributes['sessionId'] };
  }
}
