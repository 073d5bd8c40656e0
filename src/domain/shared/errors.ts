/**
 * A command the rules forbid. `code` is a stable string callers map to HTTP, WebSocket
 * or batch responses at the edge; the domain never knows about status codes.
 */
export class DomainError<C extends string = string> extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly code: C,
    message: string,
    readonly details: Readonly<Record<string, unknown>> = {},
  ) {
    super(message);
  }
}

export const fail = <C extends string>(code: C, message: string, details?: Record<string, unknown>): never => {
  throw new DomainError(code, message, details);
};
