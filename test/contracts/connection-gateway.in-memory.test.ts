import { InMemoryConnectionGateway } from '../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { connectionGatewayContract } from './connection-gateway.contract.js';

connectionGatewayContract('in-memory', {
  makeHarness: async () => {
    const gateway = new InMemoryConnectionGateway();
    return {
      gateway,
      // The twin accepts any id until it is marked gone.
      connect: () => undefined,
      disconnect: (id) => gateway.markGone(id),
      frames: (id) => gateway.framesOf(id),
    };
  },
});
