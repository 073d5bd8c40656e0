import { describe, expect, it } from 'vitest';
import { createSnsClient } from '../../../src/adapters/aws-shared/aws-clients.js';

describe('the SNS client of the integration publisher', () => {
  it("retries throttled calls with the SDK's adaptive strategy (back-off plus client-side rate limiting), 5 attempts", async () => {
    const client = createSnsClient({ region: 'eu-west-1', credentials: { accessKeyId: 'a', secretAccessKey: 'b' } });
    const strategy = await client.config.retryStrategy();
    // @smithy/util-retry is not a direct dependency: the strategy names its mode.
    expect((strategy as { mode?: string }).mode).toBe('adaptive');
    expect(await client.config.maxAttempts()).toBe(5);
    client.destroy();
  });
});
