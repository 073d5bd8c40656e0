import { mkdirSync, openSync, readFileSync, unlinkSync, writeSync, closeSync } from 'node:fs';
import { join } from 'node:path';

/** Another running process holds the data dir. */
export class DataDirLockedError extends Error {
  override readonly name = 'DataDirLockedError';
}

export const LOCK_FILE = 'stampede.lock';

/** Whether a process with this PID exists (EPERM: it does, owned by someone else). */
const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
};

/**
 * Locks `dir` for this process: creates `stampede.lock` holding our PID, exclusively (O_EXCL),
 * so two runtimes never write the same emulator files at once. A lock whose PID is no longer
 * running (the holder was killed) is taken over, with a line through `onStaleTakeover`. `release`
 * removes the file if it is still ours.
 */
export const lockDataDir = (
  dir: string,
  options: { pid?: number; onStaleTakeover?: (message: string) => void } = {},
): { readonly file: string; release(): void } => {
  const pid = options.pid ?? process.pid;
  const file = join(dir, LOCK_FILE);
  mkdirSync(dir, { recursive: true });
  for (let attempt = 1; ; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      writeSync(fd, `${pid}\n`);
      closeSync(fd);
      return {
        file,
        release: () => {
          try {
            if (readFileSync(file, 'utf8').trim() === String(pid)) unlinkSync(file);
          } catch {
            // Already gone: nothing to release.
          }
        },
      };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    let text = '';
    try {
      text = readFileSync(file, 'utf8').trim();
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT' && attempt < 3) continue; // released meanwhile
      throw error;
    }
    const holder = /^\d+$/.test(text) ? Number(text) : NaN;
    if (Number.isInteger(holder) && holder > 0 && holder !== pid && alive(holder)) {
      throw new DataDirLockedError(
        `data dir ${dir} is in use by another Stampede runtime (PID ${holder}): stop it, or pick another --data-dir (if PID ${holder} is not a Stampede runtime, delete ${file})`,
      );
    }
    if (attempt >= 3) {
      throw new DataDirLockedError(
        `could not lock data dir ${dir}: ${file} keeps coming back; is another runtime starting?`,
      );
    }
    options.onStaleTakeover?.(
      `data dir ${dir}: taking over the lock of PID ${text || '(empty)'}, which is no longer running (it was stopped without releasing it)`,
    );
    // Two processes may both see the stale lock: each removes it only if it still holds the stale
    // PID (a winner's fresh lock is left alone, up to the moment between this read and the
    // unlink), and the loser's O_EXCL create then fails and finds the winner's live PID.
    try {
      if (readFileSync(file, 'utf8').trim() === text) unlinkSync(file);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
};
