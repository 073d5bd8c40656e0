import { beforeAll } from 'vitest';
import { DynamoDbBookingRequestIndex } from '../../src/adapters/dynamodb/booking-request-index-adapter-dynamodb.js';
import { documentClientFor } from '../../src/adapters/dynamodb/document-client.js';
import { countersTable } from '../../src/adapters/dynamodb/table-definitions.js';
import { ensureTable } from '../../src/adapters/dynamodb/table-provisioning.js';
import { systemClock } from '../../src/adapters/system/system-clock.js';
import { emulatorClients, uniqueName } from '../support/emulators/aws-clients.js';
import { bookingRequestIndexContract } from './booking-request-index.contract.js';

const { dynamodb } = emulatorClients();
const tableName = uniqueName('stats');
beforeAll(() => ensureTable(dynamodb, tableName, countersTable));

// The index lives on the counters (stats) table, as in the stack.
bookingRequestIndexContract(
  'DynamoDB (DynamoDB Local)',
  () => new DynamoDbBookingRequestIndex(documentClientFor(dynamodb), tableName, { clock: systemClock }),
);
