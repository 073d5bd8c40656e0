import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  startConnectionsApiServer,
  type ConnectionsApiServer,
} from '../../../src/adapters/local/connections-api-server.js';

/** The local @connections server answers a full client buffer as API Gateway does: at once, 429 LimitExceededException. */
describe('local @connections server, a connection whose outgoing buffer is full', () => {
  let server: ConnectionsApiServer;
  const outcomes = new Map<string, boolean | 'buffer-full'>([
    ['reading', true],
    ['stalled', 'buffer-full'],
  ]);
  beforeAll(async () => {
    server = await startConnectionsApiServer({
      post: (id) => outcomes.get(id) ?? false,
      info: () => null,
      close: () => false,
    });
  });
  afterAll(() => server.stop());

  const post = (id: string) =>
    fetch(`${server.endpoint}/@connections/${id}`, { method: 'POST', body: '{"type":"feed"}' });

  it('answers 429 LimitExceededException for it, 200 for a reading one and 410 for an unknown one', async () => {
    const stalled = await post('stalled');
    expect(stalled.status).toBe(429);
    expect(stalled.headers.get('x-amzn-errortype')).toBe('LimitExceededException');
    expect(((await stalled.json()) as { message: string }).message).toMatch(/client side buffer is full/);
    expect((await post('reading')).status).toBe(200);
    expect((await post('gone')).status).toBe(410);
    expect(server.stats).toEqual({ posted: 1, gone: 1, throttled: 1 });
  });
});
