import { parseArgs } from 'node:util';

/**
 * The commands people type (`npm start`, `watch-channel`, `npm run redrive`) share one way to
 * read flags and to fail: node's `util.parseArgs` reads a table of flags (one entry per flag,
 * with its group, description, default and allowed values), `--help` is printed from the same
 * table, and a mistake (an unknown flag, a bad value, a missing program or server) is one line
 * on stderr saying what is wrong and what to do, exit code 2. A stack trace only with
 * `--verbose`: it helps whoever debugs the command, never whoever mistyped a flag.
 */

export interface FlagSpec {
  /** The flag without dashes, kebab-case: `shard-size`. */
  readonly name: string;
  /** Heading the flag is listed under in `--help`. */
  readonly group: string;
  /** What it does, one sentence. */
  readonly help: string;
  readonly type: 'string' | 'boolean';
  /** Shown after the flag in `--help`: `--port <n>`. */
  readonly placeholder?: string;
  readonly short?: string;
  readonly multiple?: boolean;
  /** The default as shown in `--help` (none: no default). */
  readonly default?: string;
  /** The values it accepts as shown in `--help` and in errors: `an integer 1..10000`, `memory | emulators`. */
  readonly values?: string;
  /** The environment variable that sets it too. */
  readonly env?: string;
}

export interface CommandSpec {
  /** How people run it: `npm start --`, `npm run redrive --`. */
  readonly command: string;
  /** What error lines start with (default: the command without a trailing `--`). */
  readonly name?: string;
  /** One paragraph: what the command does. */
  readonly summary: string;
  /** Positional arguments, e.g. `<channelId>`. */
  readonly positionals?: readonly { readonly name: string; readonly help: string; readonly required: boolean }[];
  readonly flags: readonly FlagSpec[];
  /** Environment variables it reads besides the flags' own. */
  readonly environment?: readonly { readonly name: string; readonly help: string }[];
  readonly examples?: readonly string[];
  /** Lines printed after the flags (e.g. how boolean flags are negated). */
  readonly notes?: readonly string[];
}

/** A mistake of whoever ran the command: printed as one line, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** `--help` and `--verbose`, which every command has. */
export const COMMON_FLAGS: readonly FlagSpec[] = [
  { name: 'help', short: 'h', type: 'boolean', group: 'General', help: 'Print this help and exit.' },
  {
    name: 'verbose',
    type: 'boolean',
    group: 'General',
    help: 'On a failure, print the stack trace too (errors are otherwise one line).',
  },
];

const distance = (a: string, b: string): number => {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let previous = row[0] as number;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const kept = row[j] as number;
      row[j] = Math.min(kept + 1, (row[j - 1] as number) + 1, previous + (a[i - 1] === b[j - 1] ? 0 : 1));
      previous = kept;
    }
  }
  return row[b.length] as number;
};

/** The known name closest to `name` if it is a plausible typo of it. */
export const closest = (name: string, known: readonly string[]): string | undefined => {
  let best: { name: string; d: number } | undefined;
  for (const k of known) {
    const d = distance(name, k);
    if (!best || d < best.d) best = { name: k, d };
  }
  return best && best.d <= Math.max(2, Math.floor(name.length / 4)) ? best.name : undefined;
};

const flagsOf = (spec: CommandSpec): FlagSpec[] => [...spec.flags, ...COMMON_FLAGS];

export interface ParsedCommandLine {
  readonly values: Record<string, string | boolean | string[] | undefined>;
  readonly positionals: string[];
}

/** Reads `args` against the spec's flags; a mistake is a one-line `UsageError` naming the flag and the fix. */
export const parseCommandLine = (spec: CommandSpec, args: readonly string[]): ParsedCommandLine => {
  const flags = flagsOf(spec);
  const help = `${spec.command} --help lists every option`;
  try {
    const { values, positionals } = parseArgs({
      args: [...args],
      options: Object.fromEntries(
        flags.map((f) => [
          f.name,
          { type: f.type, ...(f.short ? { short: f.short } : {}), ...(f.multiple ? { multiple: true } : {}) },
        ]),
      ),
      strict: true,
      // --no-demo turns a boolean flag off.
      allowNegative: true,
      allowPositionals: (spec.positionals?.length ?? 0) > 0,
    });
    const max = spec.positionals?.length ?? 0;
    if (positionals.length > max) {
      throw new UsageError(
        max === 0
          ? `unexpected argument "${positionals[0]}": this command takes only --flags (${help})`
          : `unexpected argument "${positionals[max]}": this command takes ${spec.positionals?.map((p) => p.name).join(' ')} (${help})`,
      );
    }
    return { values: values as ParsedCommandLine['values'], positionals };
  } catch (error) {
    if (error instanceof UsageError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    const message = error instanceof Error ? error.message : String(error);
    const option = /'(-[^' ]+)/.exec(message)?.[1] ?? '';
    const name = option.replace(/^-+/, '').replace(/=.*$/, '');
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const guess = closest(
        name,
        flags.map((f) => f.name),
      );
      throw new UsageError(`unknown option ${option}${guess ? `: did you mean --${guess}?` : ''} (${help})`);
    }
    if (code === 'ERR_PARSE_ARGS_INVALID_OPTION_VALUE') {
      const flag = flags.find((f) => f.name === name || f.short === name);
      if (flag?.type === 'boolean') {
        throw new UsageError(
          `--${flag.name} takes no value: write --${flag.name} to turn it on, --no-${flag.name} to turn it off`,
        );
      }
      throw new UsageError(
        `${option} needs a value${flag?.values ? `: ${flag.values}` : ''}, e.g. ${option} ${flag?.default && !flag.default.startsWith('<') ? flag.default : `<${flag?.placeholder ?? 'value'}>`}`,
      );
    }
    if (code === 'ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL') {
      const arg = /'([^']*)'/.exec(message)?.[1] ?? '';
      throw new UsageError(`unexpected argument "${arg}": this command takes only --flags (${help})`);
    }
    throw new UsageError(`${message} (${help})`);
  }
};

const wrap = (text: string, width: number, indent: string): string[] => {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    if (line && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line ? `${line} ${word}` : word;
  }
  if (line) lines.push(line);
  return lines.map((l, i) => (i === 0 ? l : `${indent}${l}`));
};

/** `--help`: usage, the summary, then every flag by group with its description, default, allowed values and variable. */
export const helpText = (spec: CommandSpec): string => {
  const positionals = (spec.positionals ?? []).map((p) => (p.required ? p.name : `[${p.name}]`)).join(' ');
  const out: string[] = [`Usage: ${spec.command} ${positionals ? `${positionals} ` : ''}[options]`, ''];
  out.push(...wrap(spec.summary, 96, ''), '');
  if (spec.positionals?.length) {
    out.push('Arguments:');
    for (const p of spec.positionals)
      out.push(`  ${p.name.padEnd(30)}  ${wrap(p.help, 62, ' '.repeat(34)).join('\n')}`);
    out.push('');
  }
  const groups = [...new Set(flagsOf(spec).map((f) => f.group))];
  for (const group of groups) {
    out.push(`${group}:`);
    for (const f of flagsOf(spec).filter((x) => x.group === group)) {
      const name = `${f.short ? `-${f.short}, ` : ''}--${f.name}${f.type === 'string' ? ` <${f.placeholder ?? 'value'}>` : ''}`;
      const facts = [
        f.values ? `values: ${f.values}` : '',
        f.default !== undefined ? `default: ${f.default}` : '',
        f.env ? `env: ${f.env}` : '',
      ].filter(Boolean);
      const text = `${f.help}${facts.length ? ` [${facts.join('; ')}]` : ''}`;
      const indent = ' '.repeat(34);
      const body = wrap(text, 96 - 34, indent);
      out.push(
        name.length > 30 ? `  ${name}\n${indent}${body.join('\n')}` : `  ${name.padEnd(30)}  ${body.join('\n')}`,
      );
    }
    out.push('');
  }
  if (spec.environment?.length) {
    out.push('Environment:');
    for (const e of spec.environment)
      out.push(`  ${e.name.padEnd(30)}  ${wrap(e.help, 62, ' '.repeat(34)).join('\n')}`);
    out.push('');
  }
  if (spec.notes?.length) out.push(...spec.notes.flatMap((n) => wrap(n, 96, '')), '');
  if (spec.examples?.length) out.push('Examples:', ...spec.examples.map((e) => `  ${e}`), '');
  return out.join('\n').trimEnd();
};

/**
 * Runs a command: `--help` prints the help; a `UsageError` (or an error `isUsage` accepts: a
 * bad setting, a missing program) prints `<command>: <message>` and exits 2; anything else
 * prints one line and exits 1. `--verbose` adds the stack trace. `main` returns the exit code
 * (undefined: keep running, e.g. a server).
 */
export const runCommand = async (
  spec: CommandSpec,
  main: (parsed: ParsedCommandLine) => Promise<number | undefined>,
  options: { readonly args?: readonly string[]; readonly isUsage?: (error: unknown) => boolean } = {},
): Promise<void> => {
  const args = options.args ?? process.argv.slice(2);
  const verbose = args.includes('--verbose');
  const name = spec.name ?? spec.command.replace(/ --$/, '');
  try {
    const parsed = parseCommandLine(spec, args);
    if (parsed.values['help']) {
      console.log(helpText(spec));
      process.exit(0);
    }
    const code = await main(parsed);
    if (code !== undefined) process.exit(code);
  } catch (error) {
    const usage = error instanceof UsageError || (options.isUsage?.(error) ?? false);
    const message = error instanceof Error ? error.message : String(error);
    // Several problems (two bad settings) are one line each, each naming the command.
    const lines = message.split('\n').filter((l) => l.trim() !== '');
    const hint = usage || verbose ? '' : ' (--verbose prints the stack trace)';
    console.error(lines.map((l, i) => `${name}: ${l}${i === lines.length - 1 ? hint : ''}`).join('\n'));
    if (verbose && error instanceof Error && error.stack) console.error(error.stack);
    process.exit(usage ? 2 : 1);
  }
};
