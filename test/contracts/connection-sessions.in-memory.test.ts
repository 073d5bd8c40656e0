import { InMemoryConnectionSessions } from '../../src/adapters/in-memory/connection-sessions-adapter-in-memory.js';
import { connectionSessionsContract } from './connection-sessions.contract.js';

connectionSessionsContract('in-memory', () => new InMemoryConnectionSessions());
