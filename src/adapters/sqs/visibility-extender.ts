import { ChangeMessageVisibilityCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** SQS caps a message's visibility timeout at 12 hours from its receipt. */
export const MAX_VISIBILITY_SECONDS = 12 * 60 * 60;

export interface KeepAlive {
  /** Stops extending; resolves once no extension is in flight. */
  stop(): Promise<void>;
}

/**
 * Keeps a received message invisible while slow work on it runs (ChangeMessageVisibility), so
 * that SQS does not hand it to a second consumer mid-work; or releases it early (timeout 0) so
 * a failed message is retried sooner than the queue's full visibility timeout.
 */
export class VisibilityExtender {
  constructor(
    private readonly client: SQSClient,
    private readonly queueUrl: string,
  ) {}

  /** Makes the message invisible for `seconds` from now. */
  async extend(receiptHandle: string, seconds: number): Promise<void> {
    if (!Number.isInteger(seconds) || seconds < 0 || seconds > MAX_VISIBILITY_SECONDS) {
      throw new RangeError(`visibility timeout must be an integer in 0..${MAX_VISIBILITY_SECONDS} s, got ${seconds}`);
    }
    await this.client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: this.queueUrl,
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: seconds,
      }),
    );
  }

  /** Makes the message visible again at once (e.g. after a failure that a retry may fix). */
  release(receiptHandle: string): Promise<void> {
    return this.extend(receiptHandle, 0);
  }

  /**
   * Extends the visibility to `visibilitySeconds` every `everyMs` until stopped. `everyMs` must
   * be well under `visibilitySeconds` (a third is usual) so one late heartbeat is survivable. A
   * failed extension is reported to `onError` and the heartbeat stops: the message will
   * reappear and the consumer must be idempotent anyway (at-least-once).
   */
  keepAlive(
    receiptHandle: string,
    options: { visibilitySeconds: number; everyMs: number; onError?: (error: unknown) => void },
  ): KeepAlive {
    if (options.everyMs >= options.visibilitySeconds * 1000) {
      throw new RangeError(
        `heartbeat every ${options.everyMs} ms cannot keep a ${options.visibilitySeconds} s visibility timeout alive`,
      );
    }
    let stopped = false;
    let inFlight: Promise<void> = Promise.resolve();
    let timer: NodeJS.Timeout | undefined;
    const beat = () => {
      timer = undefined;
      if (stopped) return;
      inFlight = this.extend(receiptHandle, options.visibilitySeconds).then(
        () => {
          if (!stopped) timer = setTimeout(beat, options.everyMs).unref();
        },
        (error: unknown) => {
          stopped = true;
          options.onError?.(error);
        },
      );
    };
    timer = setTimeout(beat, options.everyMs).unref();
    return {
      stop: async () => {
        stopped = true;
        if (timer) clearTimeout(timer);
        await inFlight;
      },
    };
  }

  /** Runs `work` with the message kept invisible until it settles. */
  async during<R>(
    receiptHandle: string,
    work: () => Promise<R>,
    options: { visibilitySeconds: number; everyMs: number; onError?: (error: unknown) => void },
  ): Promise<R> {
    const alive = this.keepAlive(receiptHandle, options);
    try {
      return await work();
    } finally {
      await alive.stop();
    }
  }
}
