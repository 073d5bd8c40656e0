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

/**
 * Throws a `DomainError`. The code's union must be named (`fail<AuctionErrorCode>('BID_TOO_LOW', …)`):
 * `NoInfer` keeps a bare string literal from typing itself, so every code thrown belongs to a
 * declared union, and the edges' maps over those unions miss none.
 */
export const fail = <C extends string = never>(
  code: NoInfer<C>,
  message: string,
  details?: Record<string, unknown>,
): never => {
  throw new DomainError(code, message, details);
};
