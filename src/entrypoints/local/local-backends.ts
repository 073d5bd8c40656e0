import type { LocalBackend } from './local-extensions.js';
import { memoryBackend } from './memory-backend.js';

/**
 * The backends `--backend` can name. Another backend registers itself here (one line) or
 * through `startLocalRuntime({ backends })`.
 */
export const LOCAL_BACKENDS: Record<string, LocalBackend> = {
  memory: memoryBackend,
  // Loaded on demand, so the in-memory runtime never loads the emulators (DynamoDB Local, kinesalite, fauxqs).
  emulators: async (config) => (await import('./emulator-backend.js')).emulatorBackend(config),
};
