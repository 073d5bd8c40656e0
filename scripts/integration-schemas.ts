import { z } from 'zod';
import {
  INTEGRATION_EVENT_MESSAGE_SCHEMAS,
  INTEGRATION_EVENT_SCHEMAS,
  INTEGRATION_EVENT_TYPES,
} from '../src/application/integration/integration-events.js';

/** Where the generated JSON Schema files live (checked in; a test fails when they are stale). */
export const INTEGRATION_SCHEMA_DIR = 'docs/integration';

/**
 * One JSON Schema (draft 2020-12) per published integration event type and schema version,
 * generated from its zod schema (`z.toJSONSchema`): file name → file text. The zod schemas in
 * src/application/integration/integration-events.ts are the source; these files are what a
 * subscriber in another language validates against. Generated for input (`io: 'input'`), so
 * they do not forbid properties a later, compatible version adds.
 */
export const renderIntegrationSchemas = (): Record<string, string> =>
  Object.fromEntries(
    INTEGRATION_EVENT_TYPES.map((type) => {
      const version = INTEGRATION_EVENT_SCHEMAS[type].schemaVersion;
      const file = `${type}.v${version}.schema.json`;
      const schema = {
        $id: file,
        title: `${type} v${version}`,
        description: `Stampede integration event ${type}, schema version ${version}: the body of a message on the integration topic (docs/INTEGRATION.md). Generated from src/application/integration/integration-events.ts by npm run gen:integration-schemas; do not edit.`,
        ...z.toJSONSchema(INTEGRATION_EVENT_MESSAGE_SCHEMAS[type], { target: 'draft-2020-12', io: 'input' }),
      };
      return [file, `${JSON.stringify(schema, null, 2)}\n`];
    }),
  );
