/** Why a stored event cannot be read by this code. */
export type UnreadableEventCode =
  /** No definition for the stored type (written by newer code, or a definition was removed). */
  | 'UNKNOWN_EVENT_TYPE'
  /** Stored with a schema version newer than this code knows. */
  | 'UNKNOWN_SCHEMA_VERSION'
  /** An older schema version with no upcaster to lift it to the current one. */
  | 'MISSING_UPCASTER'
  /** The (upcast) body does not match the current schema. */
  | 'INVALID_EVENT'
  /** The body is not an object at all. */
  | 'INVALID_EVENT_BODY'
  /** A viewer stream's event whose type has no viewer mapping. */
  | 'UNMAPPED_EVENT_TYPE'
  /** A viewer stream's event that names no channel to deliver it to. */
  | 'UNROUTABLE_EVENT';

/** Where the unreadable event sits, when the caller knows (the codec alone sees only type and body). */
export interface StoredEventRef {
  readonly streamId?: string;
  readonly version?: number;
  readonly type: string;
  readonly schemaVersion: number;
}

/**
 * A fault, not a rule: stored data that this code cannot read. Deliberately not a
 * `DomainError` — the caller did nothing wrong and cannot fix it by changing the request, so
 * edges log it with `streamId`/`version` and answer as an internal error (HTTP 500, an
 * `INTERNAL` frame, a failed batch item), never with the schema details in `message`.
 */
export class UnreadableEventError extends Error {
  override readonly name = 'UnreadableEventError';
  readonly streamId: string | undefined;
  readonly version: number | undefined;
  readonly type: string;
  readonly schemaVersion: number;

  constructor(
    readonly code: UnreadableEventCode,
    at: StoredEventRef,
    detail: string,
    options?: { cause?: unknown },
  ) {
    const where = at.streamId === undefined ? '' : `${at.streamId} v${at.version ?? '?'}: `;
    super(`${where}${at.type} (schema v${at.schemaVersion}) cannot be read: ${detail}`, options);
    this.streamId = at.streamId;
    this.version = at.version;
    this.type = at.type;
    this.schemaVersion = at.schemaVersion;
  }
}
