import { InMemoryBookingRequestIndex } from '../../src/adapters/in-memory/booking-request-index-adapter-in-memory.js';
import { bookingRequestIndexContract } from './booking-request-index.contract.js';

bookingRequestIndexContract('in-memory', () => new InMemoryBookingRequestIndex());
