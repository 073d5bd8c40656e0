import { setTimeout as delay } from 'node:timers/promises';
import { DeleteConnectionCommand, GetConnectionCommand } from '@aws-sdk/client-apigatewaymanagementapi';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiGatewayConnectionGateway } from '../../../src/adapters/apigateway/connection-gateway-adapter-apigateway.js';
import { FakeClock } from '../../../src/adapters/in-memory/clock-adapter-in-memory.js';
import {
  RecordingConnections,
  startConnectionsApiServer,
  type ConnectionsApiServer,
} from '../../../src/adapters/local/connections-api-server.js';
import { managementApiClient } from '../../support/emulators/aws-clients.js';

let server: ConnectionsApiServer | undefined;
afterEach(async () => {
  await server?.stop();
  server = undefined;
});

describe('ApiGatewayConnectionGateway over the local @connections server', () => {
  it('answers 410 Gone for a connection that never existed', async () => {
    server = await startConnectionsApiServer(new RecordingConnections());
    const gateway = new ApiGatewayConnectionGateway(managementApiClient(server.endpoint), { sleeper: new FakeClock() });
    expect(await gateway.post(['never-connected='], 'hello')).toEqual({
      gone: ['never-connected='],
      failed: [],
      rejected: [],
    });
    expect(server.stats.gone).toBe(1);
  });

  it('keeps at most `concurrency` posts in flight', async () => {
    let inFlight = 0;
    let peak = 0;
    const target = {
      post: async () => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        await delay(5);
        inFlight--;
        return true;
      },
      info: () => null,
      close: () => false,
    };
    server = await startConnectionsApiServer(target);
    const gateway = new ApiGatewayConnectionGateway(managementApiClient(server.endpoint), {
      sleeper: new FakeClock(),
      concurrency: 8,
    });
    const viewers = Array.from({ length: 120 }, (_, i) => `c${i}`);
    expect(await gateway.post(viewers, 'frame')).toEqual({ gone: [], failed: [], rejected: [] });
    expect(peak).toBeLessThanOrEqual(8);
    expect(peak).toBeGreaterThan(1);
    expect(server.stats.posted).toBe(120);
  });

  it('reports a throttled post that runs out of attempts to onFailure, after full-jitter back-off', async () => {
    const connections = new RecordingConnections();
    connections.connect('a');
    server = await startConnectionsApiServer(connections);
    const sleeps: number[] = [];
    const failures: string[] = [];
    const gateway = new ApiGatewayConnectionGateway(managementApiClient(server.endpoint), {
      sleeper: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      backoff: { maxAttempts: 3, baseDelayMs: 100, maxDelayMs: 300 },
      onFailure: (id, error) => failures.push(`${id}:${(error as Error).name}`),
    });
    server.throttleNext(3);
    expect(await gateway.post(['a'], 'x')).toEqual({ gone: [], failed: ['a'], rejected: [] });
    expect(sleeps).toEqual([100, 150]); // 0.5 × min(300, 100·2^1), 0.5 × min(300, 100·2^2)
    expect(failures).toEqual(['a:LimitExceededException']);
    expect(server.stats.throttled).toBe(3);
  });

  it('reports a post API Gateway refuses for good (403) as rejected, at once, without retries', async () => {
    const connections = new RecordingConnections();
    connections.connect('a');
    connections.connect('b');
    server = await startConnectionsApiServer(connections);
    const sleeps: number[] = [];
    const failures: string[] = [];
    const gateway = new ApiGatewayConnectionGateway(managementApiClient(server.endpoint), {
      sleeper: { sleep: async (ms) => void sleeps.push(ms), random: () => 0.5 },
      concurrency: 1,
      onFailure: (id, error) => failures.push(`${id}:${(error as Error).name}`),
    });
    server.forbidNext(1);
    expect(await gateway.post(['a', 'b'], 'x')).toEqual({ gone: [], failed: [], rejected: ['a'] });
    expect(sleeps).toEqual([]);
    expect(failures).toEqual(['a:ForbiddenException']);
    expect(connections.frames('b')).toEqual(['x']);
  });

  it('serves GetConnection and DeleteConnection like API Gateway', async () => {
    const connections = new RecordingConnections(() => 1_700_000_000_000);
    connections.connect('abc=');
    server = await startConnectionsApiServer(connections);
    const client = managementApiClient(server.endpoint);
    const info = await client.send(new GetConnectionCommand({ ConnectionId: 'abc=' }));
    expect(info.ConnectedAt?.getTime()).toBe(1_700_000_000_000);
    expect(info.Identity?.SourceIp).toBe('127.0.0.1');
    await client.send(new DeleteConnectionCommand({ ConnectionId: 'abc=' }));
    await expect(client.send(new GetConnectionCommand({ ConnectionId: 'abc=' }))).rejects.toMatchObject({
      name: 'GoneException',
    });
  });
});
