import type { BookingRequestIndex, BookingRequestRecord } from '../../application/ports/booking-request-index.port.js';

/** The in-memory twin of the request-index table: first writer of a request id wins, like a conditional `Put`. */
export class InMemoryBookingRequestIndex implements BookingRequestIndex {
  private readonly records = new Map<string, BookingRequestRecord>();

  async register(record: BookingRequestRecord): Promise<BookingRequestRecord> {
    const stored = this.records.get(record.requestId);
    if (stored) return { ...stored };
    this.records.set(record.requestId, { ...record });
    return { ...record };
  }

  async get(requestId: string): Promise<BookingRequestRecord | null> {
    const stored = this.records.get(requestId);
    return stored ? { ...stored } : null;
  }
}
