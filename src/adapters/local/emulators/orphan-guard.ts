import { existsSync } from 'node:fs';

const SETPRIV = '/usr/bin/setpriv';

let warned = false;

/**
 * Keeps an emulator child from outliving the runtime, also when the runtime is SIGKILLed (no
 * exit handler runs then). On Linux, `setpriv --pdeathsig SIGKILL` asks the kernel to kill the
 * child as soon as its parent is gone; `setpriv` execs the program, so the child's PID is the
 * program's own. Where setpriv is missing (macOS, a minimal image) the program runs as is and a
 * warning (once per process) says that a SIGKILLed runtime may leave it behind.
 */
export const orphanGuard = (
  onWarning: (message: string) => void = (m) => console.warn(m),
  setpriv: string = SETPRIV,
): { readonly active: boolean; wrap(command: string, args: readonly string[]): [string, string[]] } => {
  const active = process.platform === 'linux' && existsSync(setpriv);
  if (!active && !warned) {
    warned = true;
    onWarning(
      `${setpriv} not found: emulator processes are stopped on a normal exit, but a runtime killed with SIGKILL may leave them running (stop them by their PID)`,
    );
  }
  return {
    active,
    wrap: (command, args) =>
      active ? [setpriv, ['--pdeathsig', 'SIGKILL', '--', command, ...args]] : [command, [...args]],
  };
};
