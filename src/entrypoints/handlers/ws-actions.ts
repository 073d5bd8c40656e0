import { z } from 'zod';
import type { Actor } from '../../application/auth/actor.js';
import { ConflictError } from '../../application/command-handler.js';
import { DomainError } from '../../domain/shared/errors.js';
import type { HandlerLogger } from './sqs-record-body.js';

/** What every client frame carries: the action that routes it, and an optional id echoed in replies. */
export const FrameEnvelope = z.object({
  action: z.string().min(1).max(64),
  requestId: z.string().min(1).max(128).optional(),
});

/** An answer to one connection; errors are `{ type: 'error', code, message, field?, retryAfterMs? }`. */
export type ReplyFrame = { readonly type: string } & Readonly<Record<string, unknown>>;

export interface WsActionContext {
  readonly connectionId: string;
  /** The user the WebSocket authorizer vouched for at $connect, or null for an anonymous viewer. */
  readonly userId: string | null;
  /** The same, as use cases take it: never built from the frame's own fields. */
  readonly actor: Actor;
  /** When API Gateway received the frame (epoch ms). */
  readonly receivedAt: number;
  readonly requestId?: string;
  /** Posts a frame back to this connection (the requestId is added when the client sent one). */
  reply(frame: ReplyFrame): Promise<void>;
  readonly logger: HandlerLogger;
}

/**
 * One `action` of the WebSocket `$default` route: its frame schema and what to do. Features
 * define theirs in their own files (`live.ws-actions.ts`, presence, bids…) and the composition
 * root registers them all; the ws-message handler validates and dispatches.
 */
export interface WsAction<S extends z.ZodType = z.ZodType> {
  readonly action: string;
  readonly schema: S;
  handle(frame: z.infer<S>, context: WsActionContext): Promise<void>;
}

export const defineWsAction = <S extends z.ZodType>(action: WsAction<S>): WsAction<S> => action;

export class WsActionRegistry {
  private readonly actions = new Map<string, WsAction>();

  register(...actions: readonly WsAction[]): this {
    for (const action of actions) {
      if (this.actions.has(action.action)) throw new Error(`WebSocket action '${action.action}' is registered twice`);
      this.actions.set(action.action, action);
    }
    return this;
  }

  get(action: string): WsAction | undefined {
    return this.actions.get(action);
  }

  names(): string[] {
    return [...this.actions.keys()].sort();
  }
}

/** A frame the server cannot act on: answered with an error frame, never a crash. */
export class FrameError extends Error {
  override readonly name = 'FrameError';
  constructor(
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
  }
}

export interface ErrorFrame extends ReplyFrame {
  readonly type: 'error';
  readonly code: string;
  readonly message: string;
  readonly field?: string;
  /** With RATE_LIMITED: when the same frame would be accepted. */
  readonly retryAfterMs?: number;
}

/** Maps what an action threw to the error frame the client gets; unexpected errors are reported to `onUnexpected`. */
export const errorFrameOf = (error: unknown, onUnexpected: (error: unknown) => void): ErrorFrame => {
  if (error instanceof FrameError)
    return { type: 'error', code: error.code, message: error.message, ...(error.field ? { field: error.field } : {}) };
  if (error instanceof z.ZodError) {
    const issue = error.issues[0];
    const field = issue && issue.path.length > 0 ? issue.path.map(String).join('.') : undefined;
    return {
      type: 'error',
      code: 'INVALID_FRAME',
      message: `${field ?? 'frame'}: ${issue?.message ?? 'invalid'}`,
      ...(field ? { field } : {}),
    };
  }
  if (error instanceof DomainError) {
    const field = typeof error.details['field'] === 'string' ? error.details['field'] : undefined;
    const retryAfterMs = typeof error.details['retryAfterMs'] === 'number' ? error.details['retryAfterMs'] : undefined;
    return {
      type: 'error',
      code: error.code,
      message: error.message,
      ...(field ? { field } : {}),
      ...(retryAfterMs !== undefined ? { retryAfterMs } : {}),
    };
  }
  if (error instanceof ConflictError) return { type: 'error', code: error.code, message: error.message };
  onUnexpected(error);
  return {
    type: 'error',
    code: 'INTERNAL',
    message: 'the server could not handle this frame; it has been logged, try again',
  };
};
