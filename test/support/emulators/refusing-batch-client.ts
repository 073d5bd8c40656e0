/** How a client's batch send command carries its entries (SQS SendMessageBatch, SNS PublishBatch). */
export interface BatchCommandShape<Command, Entry> {
  isBatch(command: unknown): command is Command;
  entriesOf(command: Command): readonly Entry[];
  withEntries(command: Command, entries: Entry[]): Command;
  bodyOf(entry: Entry): string | undefined;
}

interface SendsCommands {
  send(command: never): Promise<unknown>;
}

/**
 * A client that reports chosen entries of its batch sends `Failed` (SenderFault false, as SQS
 * and SNS do for an internal error or throttling of one entry) and forwards the rest, and every
 * other command, to the emulator: fauxqs fails single entries only for their size or a missing
 * group id, so a retryable per-entry failure has to be injected here. `refuse(n, which)` refuses
 * the next `n` entries whose JSON body matches `which`.
 */
export const refusingBatchClient = <
  Client extends SendsCommands,
  Command,
  Entry extends { Id?: string | undefined },
  T,
>(
  client: Client,
  shape: BatchCommandShape<Command, Entry>,
) => {
  const rules: { remaining: number; which: (body: T) => boolean }[] = [];
  const refuses = (entry: Entry): boolean => {
    let parsed: T;
    try {
      parsed = JSON.parse(shape.bodyOf(entry) ?? '') as T;
    } catch {
      return false;
    }
    const rule = rules.find((r) => r.remaining > 0 && r.which(parsed));
    if (!rule) return false;
    rule.remaining--;
    return true;
  };
  const send = async (command: unknown): Promise<unknown> => {
    if (!shape.isBatch(command)) return client.send(command as never);
    const entries = shape.entriesOf(command);
    const refused = entries.filter(refuses);
    const accepted = entries.filter((e) => !refused.includes(e));
    const forwarded = (
      accepted.length
        ? await client.send(shape.withEntries(command, accepted) as never)
        : { Successful: [], Failed: [] }
    ) as { Failed?: unknown[] };
    return {
      ...forwarded,
      Failed: [
        ...(forwarded.Failed ?? []),
        ...refused.map((e) => ({
          Id: e.Id,
          SenderFault: false,
          Code: 'InternalError',
          Message: 'injected by the test',
        })),
      ],
    };
  };
  return {
    client: { send } as unknown as Client,
    refuse: (count: number, which: (body: T) => boolean) => rules.push({ remaining: count, which }),
  };
};
