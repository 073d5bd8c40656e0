/** A booking request as accepted by the API, before the trip decides it. */
export interface BookingRequestRecord {
  readonly requestId: string;
  readonly tripId: string;
  readonly passengerId: string;
  readonly seats: number;
  readonly requestedAt: number;
}

/**
 * Which trip a request id belongs to (DynamoDB: one item per request id, written with
 * `attribute_not_exists`). The outcome itself lives in the trip's stream; this index only
 * lets `GET /api/bookings/{requestId}` find that stream, and lets the API refuse a request id
 * reused for a different booking.
 */
export interface BookingRequestIndex {
  /** Stores the record if its request id is new; returns the stored record (the earlier one when the id was already used). */
  register(record: BookingRequestRecord): Promise<BookingRequestRecord>;
  /** The record of a request id, or null. */
  get(requestId: string): Promise<BookingRequestRecord | null>;
}
