/**
 * Waits until `condition` holds, polling every `pollMs`; past `timeoutMs` it fails naming `what`.
 * The cap only keeps a broken system from hanging a test: no test asserts on how long it took.
 */
export const until = async (
  what: string,
  condition: () => boolean | Promise<boolean>,
  timeoutMs = 5_000,
  pollMs = 20,
): Promise<void> => {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, pollMs));
  }
};
