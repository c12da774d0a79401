/**
 * main.cf: parsing and the MainConfig view that every reference service reads its parameters
 * from (postconf(5)). Follows Postfix's readers:
 *
 *   - a logical line is a line not starting with whitespace plus the lines that follow it and
 *     start with whitespace (joined without the newline); blank lines and lines whose first
 *     non-blank character is "#" are skipped, also between continuation lines;
 *   - "name = value": name and value are trimmed; "#" later on a line is part of the value;
 *   - a later assignment of the same name wins;
 *   - values are expanded ($name, ${name?...}, relational expressions: see expand.ts) when read,
 *     as `postconf -x` shows them, except the raw parameters (forward_path, mailbox_command ...).
 *
 * Unset names read their default (defaults.ts). loadMainCf(dir) also sets config_directory = dir,
 * as `postconf -c dir` does.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { defaultRaw, RAW_PARAMETERS, type SettingLookup } from './defaults.ts';
import { ExpandError, expandValue } from './expand.ts';
import { defaultTimeUnit, parseBool, parseInteger, parseTime, splitList } from './units.ts';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface MainCfEntry {
  name: string;
  /** Raw (unexpanded) value. */
  value: string;
  /** 1-based number of the line where the logical line starts; 0 for an override. */
  line: number;
}

export interface LogicalLine {
  text: string;
  line: number;
}

/**
 * Split text into logical lines (readllines semantics). A logical line that would start with
 * whitespace (continuation text with nothing before it) is dropped, as Postfix does with a warning.
 */
export function logicalLines(text: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let current: LogicalLine | undefined;
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  physical.forEach((raw, index) => {
    const line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const trimmed = line.trimStart();
    if (trimmed === '' || trimmed.startsWith('#')) return;
    if (/^\s/.test(line)) {
      if (current) current.text += line;
      return;
    }
    current = { text: line, line: index + 1 };
    out.push(current);
  });
  return out;
}

/** Parse main.cf text into its assignments, in file order. `fileName` is used in errors. */
export function parseMainCfEntries(text: string, fileName = 'main.cf'): MainCfEntry[] {
  return logicalLines(text).map(({ text: l, line }) => {
    const m = /^\s*([^\s=]+)\s*=\s*([\s\S]*?)\s*$/.exec(l);
    if (!m) {
      const reason = /^\s*=/.test(l) ? 'missing attribute name' : "missing '=' after attribute name";
      throw new ConfigError(`${fileName}, line ${line}: ${reason}: "${l.trim()}"`);
    }
    return { name: m[1], value: m[2], line };
  });
}

export interface MainConfigOptions {
  /** name → raw value, applied over main.cf (like postconf -o / master.cf -o). */
  overrides?: Record<string, string>;
  /** Directory main.cf came from (sets config_directory). */
  configDir?: string;
  /** Used in error messages. */
  fileName?: string;
}

/** Parse main.cf text into a MainConfig. */
export function parseMainCf(text: string, options: MainConfigOptions = {}): MainConfig {
  return new MainConfig(parseMainCfEntries(text, options.fileName ?? 'main.cf'), options);
}

/** Read configDir/main.cf (a missing file is an error, as for Postfix). */
export function loadMainCf(configDir: string, overrides?: Record<string, string>): MainConfig {
  const fileName = join(configDir, 'main.cf');
  let text: string;
  try {
    text = readFileSync(fileName, 'utf8');
  } catch (err) {
    throw new ConfigError(`open ${fileName}: ${(err as Error).message}`);
  }
  return parseMainCf(text, { overrides, configDir, fileName });
}

/** An immutable view of main.cf plus defaults. */
export class MainConfig {
  private readonly settings = new Map<string, MainCfEntry>();
  private readonly expanded = new Map<string, string>();
  private readonly fileName: string;
  private readonly lookup: SettingLookup;

  constructor(
    readonly entries: readonly MainCfEntry[],
    private readonly options: MainConfigOptions = {},
  ) {
    this.fileName = options.fileName ?? 'main.cf';
    for (const e of entries) this.settings.set(e.name, e);
    if (options.configDir !== undefined) {
      this.settings.set('config_directory', { name: 'config_directory', value: options.configDir, line: 0 });
    }
    for (const [name, value] of Object.entries(options.overrides ?? {})) this.settings.set(name, { name, value, line: 0 });
    this.lookup = {
      set: (name) => (this.settings.has(name) ? this.get(name) : undefined),
      get: (name) => this.get(name),
    };
  }

  /** A new config with more overrides on top (e.g. a master.cf service's -o name=value). */
  withOverrides(overrides: Record<string, string>): MainConfig {
    return new MainConfig(this.entries, {
      ...this.options,
      overrides: { ...this.options.overrides, ...overrides },
    });
  }

  /** True when main.cf (or an override) sets name. */
  isSet(name: string): boolean {
    return this.settings.has(name);
  }

  /** True when name is set or has a default. */
  has(name: string): boolean {
    return this.settings.has(name) || defaultRaw(name, this.lookup) !== undefined;
  }

  /** Where name is set: the main.cf line, or 0 for an override; undefined when unset. */
  lineOf(name: string): number | undefined {
    return this.settings.get(name)?.line;
  }

  /** The unexpanded value (set or default). Throws for a name that is neither. */
  raw(name: string): string {
    const value = this.rawOrUndefined(name);
    if (value === undefined) throw new ConfigError(`unknown parameter "${name}": not set in ${this.fileName} and no default`);
    return value;
  }

  /** The unexpanded default, whether or not main.cf sets name. */
  defaultValue(name: string): string | undefined {
    return defaultRaw(name, this.lookup);
  }

  /** The value after $name expansion (raw parameters are returned unexpanded). */
  get(name: string): string {
    const cached = this.expanded.get(name);
    if (cached !== undefined) return cached;
    const raw = this.raw(name);
    let value: string;
    try {
      value = RAW_PARAMETERS.has(name) ? raw : expandValue(raw, (n) => this.rawOrUndefined(n));
    } catch (err) {
      if (!(err instanceof ExpandError)) throw err;
      throw new ConfigError(`${this.where(name)}: parameter ${name}: ${err.message}`);
    }
    this.expanded.set(name, value);
    return value;
  }

  bool(name: string): boolean {
    return this.convert(name, parseBool);
  }

  int(name: string): number {
    return this.convert(name, parseInteger);
  }

  /** A time value in seconds; a bare number uses the unit of the parameter's default. */
  time(name: string): number {
    const def = this.defaultValue(name);
    const unit = defaultTimeUnit(def === undefined ? undefined : expandValue(def, (n) => this.rawOrUndefined(n)));
    return this.convert(name, (n, v) => parseTime(n, v, unit));
  }

  list(name: string): string[] {
    return this.convert(name, (_n, v) => splitList(v));
  }

  /** Names set in main.cf or by overrides, in first-seen order. */
  names(): string[] {
    return [...this.settings.keys()];
  }

  /** Expand a value that is not a parameter (e.g. a master.cf -o value) in this config. */
  expand(value: string): string {
    try {
      return expandValue(value, (n) => this.rawOrUndefined(n));
    } catch (err) {
      if (err instanceof ExpandError) throw new ConfigError(err.message);
      throw err;
    }
  }

  /** Expand every parameter that is set; throws the first error (like daemons reading them all). */
  validate(): void {
    for (const name of this.names()) this.get(name);
  }

  private rawOrUndefined(name: string): string | undefined {
    const entry = this.settings.get(name);
    return entry ? entry.value : defaultRaw(name, this.lookup);
  }

  private where(name: string): string {
    const line = this.settings.get(name)?.line;
    if (line === undefined) return 'default value';
    return line === 0 ? 'override' : `${this.fileName}, line ${line}`;
  }

  private convert<T>(name: string, fn: (name: string, value: string) => T): T {
    const value = this.get(name);
    try {
      return fn(name, value);
    } catch (err) {
      throw new ConfigError(`${this.where(name)}: ${(err as Error).message}`);
    }
  }
}
