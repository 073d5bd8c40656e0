import type { LocalBackend } from './local-extensions.js';

/**
 * The in-process backend: every feature runs on its `memory` parts — its ports on in-memory
 * twins and Lambda's event source mappings emulated over them (live.feature.ts has the three of
 * the live pipeline). Nothing to start, nothing to stop.
 */
export const memoryBackend: LocalBackend = async () => ({
  description: 'in-memory twins with event-source emulation',
  partsOf: async (feature) => feature.memory,
  stop: async () => undefined,
});
