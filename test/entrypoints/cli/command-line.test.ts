import { describe, expect, it } from 'vitest';
import {
  closest,
  helpText,
  parseCommandLine,
  UsageError,
  type CommandSpec,
} from '../../../src/entrypoints/cli/command-line.js';
import { LOCAL_CONFIG_KEYS, flagOf } from '../../../src/entrypoints/local/local-config.js';
import { localFlagSpecs } from '../../../src/entrypoints/local/local-flags.js';

const spec: CommandSpec = {
  command: 'tool --',
  summary: 'Does a thing.',
  flags: [
    {
      name: 'shard-size',
      group: 'Sizes',
      type: 'string',
      help: 'Shard size.',
      values: 'an integer 1..10',
      default: '5',
    },
    { name: 'reorder', group: 'Chaos', type: 'boolean', help: 'Reorder.' },
  ],
};

const refusal = (args: string[]): string => {
  try {
    parseCommandLine(spec, args);
  } catch (error) {
    expect(error).toBeInstanceOf(UsageError);
    return (error as Error).message;
  }
  throw new Error(`accepted ${args.join(' ')}`);
};

describe('the shared command line', () => {
  it('reads flags, switches and their negation', () => {
    expect(parseCommandLine(spec, ['--shard-size', '3', '--reorder']).values).toMatchObject({
      'shard-size': '3',
      reorder: true,
    });
    expect(parseCommandLine(spec, ['--no-reorder']).values).toMatchObject({ reorder: false });
  });

  it('refuses each mistake in one line that says what to do', () => {
    for (const message of [
      refusal(['--shard-sise', '3']),
      refusal(['--shard-size']),
      refusal(['--reorder=yes']),
      refusal(['extra']),
      refusal(['--zzzzzzzz']),
    ])
      expect(message).not.toContain('\n');
    expect(refusal(['--shard-sise', '3'])).toBe(
      'unknown option --shard-sise: did you mean --shard-size? (tool -- --help lists every option)',
    );
    expect(refusal(['--zzzzzzzz'])).toBe('unknown option --zzzzzzzz (tool -- --help lists every option)');
    expect(refusal(['--shard-size'])).toBe('--shard-size needs a value: an integer 1..10, e.g. --shard-size 5');
    expect(refusal(['--reorder=yes'])).toMatch(/--reorder takes no value/);
  });

  it('suggests only a plausible typo', () => {
    expect(closest('fedShards', ['feedShards', 'shardSize'])).toBe('feedShards');
    expect(closest('port', ['feedShards', 'shardSize'])).toBeUndefined();
  });

  it('prints help by group, each flag with its description, values and default', () => {
    const help = helpText(spec);
    expect(help).toMatch(
      /^Sizes:\n {2}--shard-size <value>\s+Shard size\. \[values: an integer 1\.\.10; default: 5\]$/m,
    );
    expect(help).toMatch(/^Chaos:\n {2}--reorder\s+Reorder\.$/m);
    expect(help).toMatch(/^General:\n {2}-h, --help/m);
  });
});

describe("npm start's flag table", () => {
  it('has one entry per setting, and every flag a description, a default and a group', () => {
    const flags = localFlagSpecs(['memory', 'emulators']);
    expect(flags.map((f) => f.name).sort()).toEqual(LOCAL_CONFIG_KEYS.map(flagOf).sort());
    for (const f of flags) {
      expect(f.help.length, f.name).toBeGreaterThan(10);
      expect(f.default, f.name).toBeDefined();
      expect(f.group, f.name).not.toBe('');
      if (f.type === 'string') expect(f.values, f.name).toBeDefined();
    }
  });

  it('takes types, defaults and ranges from the schema', () => {
    const byName = new Map(localFlagSpecs(['memory', 'emulators']).map((f) => [f.name, f]));
    expect(byName.get('port')).toMatchObject({ type: 'string', values: 'an integer 0..65535', default: '3000' });
    expect(byName.get('reorder')).toMatchObject({ type: 'boolean', default: 'off' });
    expect(byName.get('broadcaster')).toMatchObject({ values: 'apigateway | appsync-events', default: 'apigateway' });
    expect(byName.get('backend')).toMatchObject({ values: 'memory | emulators', default: 'memory' });
    expect(byName.get('duplicate-rate')).toMatchObject({ values: 'a number 0..1', default: '0' });
    expect(byName.get('redis-url')).toMatchObject({ default: 'unset' });
  });
});
