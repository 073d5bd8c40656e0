/** The only source of new ids (event ids, request ids) outside tests. */
export interface IdGenerator {
  /** A new unique id (a UUID in production). */
  next(): string;
}
