import { afterAll, beforeAll } from 'vitest';
import { ApiGatewayConnectionGateway } from '../../src/adapters/apigateway/connection-gateway-adapter-apigateway.js';
import { FakeClock } from '../../src/adapters/in-memory/clock-adapter-in-memory.js';
import {
  RecordingConnections,
  startConnectionsApiServer,
  type ConnectionsApiServer,
} from '../../src/adapters/local/connections-api-server.js';
import { managementApiClient } from '../support/emulators/aws-clients.js';
import { connectionGatewayContract } from './connection-gateway.contract.js';

// The local `@connections` server is started per file (it is in-process and starts in ms), so
// each test can open and close connections and inject 429s directly.
let connections = new RecordingConnections();
let server: ConnectionsApiServer;
beforeAll(async () => {
  server = await startConnectionsApiServer({
    post: (id, data) => connections.post(id, data),
    info: (id) => connections.info(id),
    close: (id) => connections.close(id),
  });
  console.log(`[emulators] @connections server ${server.startMs} ms`);
});
afterAll(() => server.stop());

const maxAttempts = 3;

connectionGatewayContract('API Gateway Management API (local @connections server)', {
  maxAttempts,
  makeHarness: async () => {
    connections = new RecordingConnections();
    server.throttleNext(0);
    const gateway = new ApiGatewayConnectionGateway(managementApiClient(server.endpoint), {
      sleeper: new FakeClock(),
      backoff: { maxAttempts, baseDelayMs: 10, maxDelayMs: 100 },
    });
    return {
      gateway,
      connect: (id) => connections.connect(id),
      disconnect: (id) => connections.disconnect(id),
      frames: (id) => connections.frames(id),
      throttleNext: (count) => server.throttleNext(count),
    };
  },
});
