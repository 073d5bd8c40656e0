import { InMemoryConnectionGateway } from '../../src/adapters/in-memory/connection-gateway-adapter-in-memory.js';
import { connectionGatewayContract } from './connection-gateway.contract.js';

connectionGatewayContract('in-memory', {
  makeHarness: async () => {
    const gateway = new InMemoryConnectionGateway();
    return {
      gateway,
      connect: (id) => gateway.connect(id),
      disconnect: (id) => gateway.markGone(id),
      frames: (id) => gateway.framesOf(id),
    };
  },
});
