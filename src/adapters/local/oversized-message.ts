import type { WebSocket } from 'ws';
import { CLOSE_CODES } from '../../domain/live-feed/close-codes.js';

/** ws's error codes for a frame the client got wrong (size, masking, UTF-8, opcode…): never our fault. */
export const isClientFault = (error: unknown): error is Error & { code: string } => {
  const code: unknown = error instanceof Error ? (error as Error & { code?: unknown }).code : undefined;
  return typeof code === 'string' && code.startsWith('WS_ERR_');
};

/**
 * A message over the limit: the client gets a `PAYLOAD_TOO_LARGE` error frame, then the close
 * with 1009, as docs/PROTOCOL.md promises. ws refuses such a message from its header, before
 * buffering the payload, but then closes with 1009 straight away (the error is emitted only
 * after the close frame is queued); its receiver's error event is the one moment the socket is
 * still open, so the error frame is queued there, ahead of ws's own listener. `_receiver` is
 * not public API: if a ws release renames it, the connection still closes with 1009, only the
 * error frame is missing, and test/entrypoints/local/ws-input-edges.runtime.test.ts fails.
 */
export const answerOversizedMessages = (socket: WebSocket, limitBytes: number): void => {
  const receiver = (
    socket as unknown as {
      _receiver?: { prependListener?: (event: 'error', listener: (error: unknown) => void) => void };
    }
  )._receiver;
  receiver?.prependListener?.('error', (error) => {
    if (
      !isClientFault(error) ||
      error.code !== 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH' ||
      socket.readyState !== socket.OPEN
    )
      return;
    socket.send(
      JSON.stringify({
        type: 'error',
        code: 'PAYLOAD_TOO_LARGE',
        field: 'frame',
        message: `a message is at most ${limitBytes} bytes; the connection closes with ${CLOSE_CODES.MESSAGE_TOO_BIG}`,
      }),
    );
  });
};
