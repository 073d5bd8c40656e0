import { DemoDriver } from '../demo/demo-driver.js';
import type { LocalRuntimeExtension } from './local-extensions.js';
import { LOCAL_TOKENS } from './local.container.js';

/**
 * `npm start`'s demo (config `demo`, on by default there; `--no-demo` turns it off): starts once
 * the server listens and stops with the runtime.
 */
export const demoExtension = (): LocalRuntimeExtension => ({
  name: 'demo',
  setup({ container, config, server, logger, onStop }) {
    if (!config.demo) return;
    const driver = new DemoDriver(
      { server, host: config.host, wsPath: config.wsPath, defaultTripId: config.defaultTripId, logger },
      container.get(LOCAL_TOKENS.Random),
    );
    server.once('listening', () => {
      driver
        .start()
        .catch((error: unknown) => logger.error('the demo could not start; the runtime runs without it', { error }));
    });
    // Stop before the sockets are torn down, so no simulated viewer tries to rejoin a closing server.
    server.once('close', () => driver.stop());
    onStop(() => driver.stop());
  },
});
