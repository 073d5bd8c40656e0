import type { CommandSpec, FlagSpec } from '../cli/command-line.js';
import { jsonRuleOf } from '../composition/config.js';
import {
  envOf,
  flagOf,
  GROUPS,
  LOCAL_CONFIG_KEYS,
  LOCAL_SETTINGS,
  LocalConfigSchema,
  schemaRuleOf,
  type LocalConfigKey,
  type LocalSetting,
} from './local-config.js';

/*
 * `npm start`'s flags, one per setting of LOCAL_SETTINGS: the group and help come from its
 * entry, the flag's type, default and allowed values from its schema, so the help and the
 * validation cannot disagree.
 */

const defaults = LocalConfigSchema.parse({}) as Record<string, unknown>;

const isBoolean = (key: LocalConfigKey): boolean =>
  jsonRuleOf(LOCAL_SETTINGS[key].schema).anyOf?.some((p) => p.type === 'boolean') ?? false;

/** What a setting accepts: the table's words where the schema's rule is a pattern, else the schema's range or list. */
export const allowedValuesOf = (key: LocalConfigKey, backends: readonly string[] = []): string | undefined => {
  const doc: LocalSetting = LOCAL_SETTINGS[key];
  if (doc.values) return doc.values;
  if (key === 'backend' && backends.length > 0) return backends.join(' | ');
  return isBoolean(key) ? undefined : schemaRuleOf(key);
};

const shownDefault = (key: LocalConfigKey): string | undefined => {
  const doc: LocalSetting = LOCAL_SETTINGS[key];
  if (doc.default !== undefined) return doc.default;
  const value = defaults[key];
  if (value === undefined) return undefined;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return typeof value === 'string' && key === 'logLevel' ? value.toLowerCase() : String(value);
};

/** The settings that are on/off switches (`--reorder`, `--no-demo`). */
export const BOOLEAN_KEYS: readonly LocalConfigKey[] = LOCAL_CONFIG_KEYS.filter(isBoolean);

/** `npm start`'s flags, by group, from the schema and the table above. */
export const localFlagSpecs = (backends: readonly string[]): FlagSpec[] =>
  [...LOCAL_CONFIG_KEYS]
    .sort((a, b) => GROUPS.indexOf(LOCAL_SETTINGS[a].group) - GROUPS.indexOf(LOCAL_SETTINGS[b].group))
    .map((key): FlagSpec => {
      const doc: LocalSetting = LOCAL_SETTINGS[key];
      const values = allowedValuesOf(key, backends);
      const shown = shownDefault(key);
      const { type } = jsonRuleOf(doc.schema);
      return {
        name: flagOf(key),
        group: doc.group,
        help: doc.help,
        type: isBoolean(key) ? 'boolean' : 'string',
        placeholder: doc.placeholder ?? (type === 'integer' ? 'n' : type === 'number' ? 'x' : 'value'),
        env: key === 'port' ? `${envOf(key)} or PORT` : envOf(key),
        ...(values ? { values } : {}),
        default: shown ?? 'unset',
      };
    });

export const localCommandSpec = (backends: readonly string[]): CommandSpec => ({
  command: 'npm start --',
  summary:
    'Runs the whole system in one process on 127.0.0.1: the HTTP API, the WebSocket API, the pages (/live/, /booking/) and ' +
    'the event-source pipeline behind them, with the demo on by default. Every option is also an environment variable; ' +
    'flags win over the environment, which wins over the defaults.',
  flags: localFlagSpecs(backends),
  notes: ['Switches take no value: --reorder turns one on, --no-demo turns one off.'],
  examples: [
    'npm start',
    'npm start -- --port 0 --no-demo',
    'PORT=8080 npm start -- --backend emulators',
    'npm start -- --duplicate-rate 0.05 --reorder --crash-rate 0.02 --seed 7',
  ],
});
