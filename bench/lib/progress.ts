/**
 * One status line on stderr while long work runs. On a terminal it is rewritten in place;
 * in a log (CI, `| tee`) it is throttled so that a 10,000-connection ramp does not print
 * 10,000 lines.
 */
export class ProgressLine {
  private shown = false;
  private lastPrinted = 0;

  constructor(
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly throttleMs = 3_000,
  ) {}

  update(text: string): void {
    if (this.stream.isTTY) {
      const width = Math.max(20, (this.stream.columns ?? 100) - 1);
      this.stream.write(`\r\x1b[K${text.slice(0, width)}`);
      this.shown = true;
      return;
    }
    const now = Date.now();
    if (now - this.lastPrinted < this.throttleMs) return;
    this.lastPrinted = now;
    this.stream.write(`… ${text}\n`);
  }

  /** Prints a durable line (stdout), clearing the status line first. */
  log(text: string): void {
    this.clear();
    process.stdout.write(`${text}\n`);
  }

  clear(): void {
    if (this.shown && this.stream.isTTY) this.stream.write('\r\x1b[K');
    this.shown = false;
  }
}
