import { z } from 'zod';
import type { BlobStore } from '../../application/ports/blob-store.port.js';

/**
 * The extended-client pattern: a body over the SQS limit is stored in S3 and the message carries
 * a pointer instead. Consumers must read every body through `decodeQueueBody`, which returns
 * the original text either way.
 */
const POINTER_PREFIX = '{"$offloaded":';
const OffloadPointer = z.object({
  $offloaded: z.object({ key: z.string().min(1), bytes: z.number().int().nonnegative() }),
});

export const encodeOffloadPointer = (key: string, bytes: number): string =>
  JSON.stringify({ $offloaded: { key, bytes } });

/** An offloaded body could not be read back (deleted by lifecycle, wrong bucket): the record should fail → DLQ. */
export class OffloadedBodyMissingError extends Error {
  override readonly name = 'OffloadedBodyMissingError';
}

/** The message's real body: the text itself, or the offloaded object it points to. */
export const decodeQueueBody = async (body: string, blobs: BlobStore): Promise<string> => {
  if (!body.startsWith(POINTER_PREFIX)) return body;
  const parsed = OffloadPointer.safeParse(JSON.parse(body));
  if (!parsed.success) return body;
  const { key, bytes } = parsed.data.$offloaded;
  const stored = await blobs.get(key);
  if (stored === null)
    throw new OffloadedBodyMissingError(`offloaded queue body ${key} (${bytes} bytes) is missing from the blob store`);
  return stored;
};

/** Whether a body is an offload pointer (for logs and tests). */
export const isOffloadPointer = (body: string): boolean =>
  body.startsWith(POINTER_PREFIX) && OffloadPointer.safeParse(JSON.parse(body)).success;
