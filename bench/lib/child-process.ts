import { spawn, type ChildProcess } from 'node:child_process';

/** Messages between the runner and its children: `{ type, ...payload }` over the IPC channel. */
export interface Message {
  readonly type: string;
  readonly [key: string]: unknown;
}

export interface ChildOptions {
  /** Absolute path of a TypeScript (run through tsx) or JavaScript entry. */
  readonly script: string;
  readonly args?: readonly string[];
  /** Name used in errors: "fanout clients (socket.io)". */
  readonly label: string;
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
  /** Extra node flags, e.g. `--expose-gc`, `--cpu-prof`. */
  readonly nodeArgs?: readonly string[];
  /**
   * Raise the soft open-files limit (`ulimit -n`) for this child only: 10,000 sockets need
   * 10,000 descriptors on each side. It cannot go past the hard limit; see `openFilesLimit`.
   */
  readonly fdLimit?: number;
  /** Run the entry with tsx (default for `.ts`). */
  readonly typescript?: boolean;
}

/**
 * A child process the runner owns: the load generator and the system under test each get
 * their own, so they never share one event loop (which would make the generator's work look
 * like the server's latency). Stopped by its own handle, never by a name.
 */
export class ChildHandle {
  private readonly waiters = new Set<{ type: string; resolve: (m: Message) => void; reject: (e: Error) => void }>();
  private readonly listeners = new Map<string, Set<(m: Message) => void>>();
  private readonly backlog: Message[] = [];
  private exitError: Error | null = null;
  readonly exited: Promise<number | null>;

  private constructor(
    private readonly child: ChildProcess,
    readonly label: string,
  ) {
    child.on('message', (raw) => this.dispatch(raw as Message));
    this.exited = new Promise((resolve) => {
      child.on('exit', (code, signal) => {
        this.exitError = new Error(
          `${label} exited (code ${code ?? 'none'}, signal ${signal ?? 'none'}) before it answered`,
        );
        for (const w of this.waiters) w.reject(this.exitError);
        this.waiters.clear();
        resolve(code);
      });
    });
    child.on('error', (error) => {
      this.exitError = new Error(`${label} could not be started: ${error.message}`, { cause: error });
      for (const w of this.waiters) w.reject(this.exitError);
    });
  }

  static start(options: ChildOptions): ChildHandle {
    const ts = options.typescript ?? options.script.endsWith('.ts');
    const nodeArgs = [
      ...(options.nodeArgs ?? []),
      ...(ts ? ['--import', 'tsx'] : []),
      options.script,
      ...(options.args ?? []),
    ];
    const env = { ...process.env, ...options.env };
    const stdio: ['ignore', 'inherit', 'inherit', 'ipc'] = ['ignore', 'inherit', 'inherit', 'ipc'];
    const child =
      options.fdLimit === undefined
        ? spawn(process.execPath, nodeArgs, { cwd: options.cwd, env, stdio })
        : // `exec` keeps the IPC descriptor (NODE_CHANNEL_FD) open across the shell.
          spawn(
            'sh',
            [
              '-c',
              'ulimit -n "$1" 2>/dev/null || ulimit -n "$(ulimit -Hn)"; shift; exec "$@"',
              'sh',
              String(options.fdLimit),
              process.execPath,
              ...nodeArgs,
            ],
            {
              cwd: options.cwd,
              env,
              stdio,
            },
          );
    return new ChildHandle(child, options.label);
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  send(message: Message): void {
    if (this.exitError) throw this.exitError;
    this.child.send(message);
  }

  /** Every message of this type (progress lines). */
  on(type: string, listener: (m: Message) => void): void {
    let set = this.listeners.get(type);
    if (!set) this.listeners.set(type, (set = new Set()));
    set.add(listener);
  }

  /** The next message of `type`; an `error` message from the child rejects it with the child's error. */
  next<T extends Message = Message>(type: string, timeoutMs = 120_000): Promise<T> {
    const queued = this.backlog.findIndex((m) => m.type === type || m.type === 'error');
    if (queued >= 0) {
      const [m] = this.backlog.splice(queued, 1);
      return m?.type === 'error' ? Promise.reject(this.childError(m)) : Promise.resolve(m as T);
    }
    if (this.exitError) return Promise.reject(this.exitError);
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${this.label} did not send "${type}" within ${timeoutMs} ms`));
      }, timeoutMs);
      const waiter = {
        type,
        resolve: (m: Message) => {
          clearTimeout(timer);
          resolve(m as T);
        },
        reject: (e: Error) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.waiters.add(waiter);
    });
  }

  /**
   * Waits up to `waitMs` for the child to leave by itself (so it can write a `--cpu-prof`
   * profile), then SIGTERM, then SIGKILL if it is still there after `graceMs`.
   */
  async stop(graceMs = 5_000, waitMs = 0): Promise<void> {
    if (waitMs > 0) await Promise.race([this.exited, new Promise((r) => setTimeout(r, waitMs).unref())]);
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }

  private dispatch(message: Message): void {
    for (const l of this.listeners.get(message.type) ?? []) l(message);
    if (this.listeners.has(message.type) && message.type !== 'error') return;
    const waiter = [...this.waiters].find((w) => w.type === message.type || message.type === 'error');
    if (!waiter) {
      this.backlog.push(message);
      return;
    }
    this.waiters.delete(waiter);
    if (message.type === 'error') waiter.reject(this.childError(message));
    else waiter.resolve(message);
  }

  private childError(m: Message): Error {
    return new Error(
      `${this.label} failed: ${String(m.message ?? 'unknown error')}${m.stack ? `\n${String(m.stack)}` : ''}`,
    );
  }
}

/** Child side of the channel. */
export const parentChannel = () => {
  if (!process.send) throw new Error('this script is a benchmark child: run it through `npm run bench`');
  const send = (message: Message): void => {
    process.send?.(message);
  };
  const fail = (error: unknown): never => {
    const e = error instanceof Error ? error : new Error(String(error));
    send({ type: 'error', message: e.message, stack: e.stack });
    // Let the IPC message flush before leaving.
    setTimeout(() => process.exit(1), 100);
    throw e;
  };
  const onMessage = (handler: (m: Message) => void | Promise<void>): void => {
    process.on('message', (raw) => {
      Promise.resolve(handler(raw as Message)).catch((e: unknown) => {
        try {
          fail(e);
        } catch {
          // fail() rethrows for synchronous callers; here the error is already reported.
        }
      });
    });
  };
  // The runner going away (Ctrl-C, crash) must not leave a 10,000-socket child behind.
  process.on('disconnect', () => process.exit(0));
  return { send, fail, onMessage, progress: (text: string) => send({ type: 'progress', text }) };
};
