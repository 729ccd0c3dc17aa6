// Command-line parsing for tapegrad: `--name value`, `--name=value` and boolean flags, checked
// against a table of the command's options. Every mistake is a UsageError whose message names
// the command, the option, what was expected and what was given (and the valid choices), and
// makes the CLI exit with code 2.

export class UsageError extends Error {
  readonly exitCode = 2;
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionKind =
  | { type: 'string' }
  | { type: 'flag' }
  | { type: 'positiveInt' }
  | { type: 'nonNegativeInt' }
  | { type: 'positiveNumber' }
  | { type: 'number' }
  | { type: 'choice'; choices: readonly string[]; what: string };

export type OptionSpec = OptionKind & {
  /** Shown by --help. */
  help: string;
  /** Shown by --help as the default; also the value when the option is absent. */
  default?: string | number | boolean;
  required?: boolean;
  /** The placeholder in --help (e.g. N, DIR). */
  meta?: string;
};

export type OptionTable = Record<string, OptionSpec>;
export type ParsedOptions = Record<string, string | number | boolean | undefined>;

/** Parses argv (without the command name) against the table; `who` is e.g. 'tapegrad train'. */
export function parseOptions(who: string, argv: readonly string[], table: OptionTable): ParsedOptions {
  const out: ParsedOptions = {};
  const seen = new Set<string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '-h' || arg === '--help') {
      out.help = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') throw new UsageError(`${who}: unexpected argument '${arg}' (options start with --; see ${who} --help)`);
    const eq = arg.indexOf('=');
    const name = eq >= 0 ? arg.slice(2, eq) : arg.slice(2);
    // own keys only: table['toString'] is Object.prototype's function, which would pass `!spec`
    const spec = Object.hasOwn(table, name) ? table[name] : undefined;
    if (!spec) throw new UsageError(`${who}: unknown option --${name}; valid options: ${Object.keys(table).map((k) => `--${k}`).join(', ')}`);
    if (seen.has(name)) throw new UsageError(`${who}: --${name} was given twice`);
    seen.add(name);
    if (spec.type === 'flag') {
      if (eq >= 0) throw new UsageError(`${who}: --${name} is a flag and takes no value, got '${arg.slice(eq + 1)}'`);
      out[name] = true;
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      if (i + 1 >= argv.length || (argv[i + 1].startsWith('--') && !/^--?\d/.test(argv[i + 1]))) throw new UsageError(`${who}: --${name} needs a value (${describe(spec)})`);
      raw = argv[++i];
    }
    out[name] = convert(who, name, raw, spec);
  }
  if (out.help) return out;
  for (const [name, spec] of Object.entries(table)) {
    if (out[name] !== undefined) continue;
    if (spec.required) throw new UsageError(`${who}: --${name} is required (${describe(spec)})`);
    if (spec.default !== undefined) out[name] = spec.default;
  }
  return out;
}

function describe(spec: OptionSpec): string {
  switch (spec.type) {
    case 'choice': return `one of ${spec.choices.join(', ')}`;
    case 'positiveInt': return 'a positive integer';
    case 'nonNegativeInt': return 'a non-negative integer';
    case 'positiveNumber': return 'a positive number';
    case 'number': return 'a number';
    case 'string': return spec.meta ?? 'a value';
    case 'flag': return 'a flag';
  }
}

function convert(who: string, name: string, raw: string, spec: OptionSpec): string | number {
  const bad = (what: string): never => {
    throw new UsageError(`${who}: --${name} must be ${what}, got '${raw}'`);
  };
  const numeric = () => (raw.trim() === '' ? NaN : Number(raw));
  switch (spec.type) {
    case 'string':
      if (raw === '') bad(`a non-empty ${spec.meta ?? 'value'}`);
      return raw;
    case 'positiveInt': {
      const v = numeric();
      return Number.isSafeInteger(v) && v > 0 ? v : bad('a positive integer');
    }
    case 'nonNegativeInt': {
      const v = numeric();
      return Number.isSafeInteger(v) && v >= 0 ? v : bad('a non-negative integer');
    }
    case 'positiveNumber': {
      const v = numeric();
      return Number.isFinite(v) && v > 0 ? v : bad('a positive number');
    }
    case 'number': {
      const v = numeric();
      return Number.isFinite(v) ? v : bad('a number');
    }
    case 'choice':
      if (!spec.choices.includes(raw)) throw new UsageError(`${who}: unknown ${spec.what} '${raw}'; choose one of ${spec.choices.join(', ')}`);
      return raw;
    case 'flag':
      return bad('a flag');
  }
}

/** The --help text of a command: its synopsis, then one line per option. */
export function formatHelp(who: string, summary: string, table: OptionTable, footer = ''): string {
  const rows = Object.entries(table).map(([name, spec]) => {
    const meta = spec.type === 'flag' ? '' : ` ${spec.type === 'choice' ? spec.choices.join('|') : spec.meta ?? placeholder(spec)}`;
    const dflt = spec.default !== undefined && spec.type !== 'flag' ? ` (default ${spec.default})` : spec.required ? ' (required)' : '';
    return [`  --${name}${meta}`, `${spec.help}${dflt}`] as const;
  });
  const width = Math.min(44, Math.max(...rows.map(([a]) => a.length)) + 2);
  const lines = rows.map(([a, b]) => (a.length + 2 > width ? `${a}\n${' '.repeat(width)}${b}` : `${a.padEnd(width)}${b}`));
  return `usage: ${who} [options]\n\n${summary}\n\noptions:\n${lines.join('\n')}\n  --help, -h${' '.repeat(Math.max(2, width - 12))}show this help\n${footer ? `\n${footer}\n` : ''}`;
}

function placeholder(spec: OptionSpec): string {
  return spec.type === 'positiveInt' || spec.type === 'nonNegativeInt' ? 'N' : spec.type === 'string' ? 'VALUE' : 'X';
}
