/**
 * master.cf: the service table read by the reference master (master(5)).
 *
 * One logical line per service (same continuation and comment rules as main.cf):
 *   service type private unpriv chroot wakeup maxproc command [args...]
 * "-" takes the default: private y, unpriv y, chroot n (y below compatibility_level 1, as
 * master(8) does), wakeup 0 (a "?" suffix: only after first use), maxproc
 * $default_process_limit. Arguments may be grouped with "{ ... }" (Postfix 3.0+; braces and
 * the blanks inside them are stripped). "-o name=value" / "-o { name = value }" / "-oname=value"
 * arguments become the service's parameter overrides.
 *
 * Malformed lines throw MasterCfError naming the file and line.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { logicalLines, parseMainCf, type MainConfig } from './main-cf.ts';
import { parseCompatLevel } from './expand.ts';

export type MasterServiceType = 'inet' | 'unix' | 'unix-dgram' | 'fifo' | 'pass';

export interface MasterEntry {
  /** Service name: "smtp", "127.0.0.1:2525", "cleanup" ... */
  service: string;
  type: MasterServiceType;
  private: boolean;
  unpriv: boolean;
  chroot: boolean;
  /** Wake-up interval in seconds; 0 = none. */
  wakeup: number;
  /** The wake-up timer only runs after the service was first used ("?" suffix). */
  wakeupConditional: boolean;
  /** Process limit; 0 = unlimited. */
  maxproc: number;
  command: string;
  /** Arguments after the command, braces stripped, in order (the -o options included). */
  args: string[];
  /** -o name=value overrides, in order (later wins). */
  options: Record<string, string>;
  /** 1-based line number where the entry starts. */
  line: number;
}

export class MasterCfError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'MasterCfError';
  }
}

const TYPES: readonly MasterServiceType[] = ['inet', 'unix', 'unix-dgram', 'fifo', 'pass'];

export interface MasterCfOptions {
  /** Supplies default_process_limit and compatibility_level (defaults when absent). */
  config?: MainConfig;
  /** Used in error messages. */
  fileName?: string;
}

export function parseMasterCf(text: string, options: MasterCfOptions = {}): MasterEntry[] {
  const fileName = options.fileName ?? 'master.cf';
  const config = options.config ?? parseMainCf('');
  const entries: MasterEntry[] = [];
  for (const { text: l, line } of logicalLines(text)) {
    entries.push(parseEntry(l, line, fileName, config));
  }
  return entries;
}

/** Read configDir/master.cf; `config` defaults to configDir/main.cf's settings when omitted. */
export function loadMasterCf(configDir: string, config?: MainConfig): MasterEntry[] {
  const fileName = join(configDir, 'master.cf');
  let text: string;
  try {
    text = readFileSync(fileName, 'utf8');
  } catch (err) {
    throw new MasterCfError(`open ${fileName}: ${(err as Error).message}`);
  }
  return parseMasterCf(text, { config, fileName });
}

function parseEntry(text: string, line: number, fileName: string, config: MainConfig): MasterEntry {
  const fail = (msg: string): never => {
    throw new MasterCfError(`${fileName}: line ${line}: ${msg}`);
  };
  const tokens = tokenize(text, fail);
  let next = 0;
  const field = (name: string, def?: string): string => {
    const value = tokens[next++];
    if (value === undefined) fail(`missing "${name}" field`);
    if (value !== '-') return value;
    if (def === undefined) fail(`field "${name}" has no default value`);
    return def!;
  };
  const bool = (name: string, def: string): boolean => {
    const value = field(name, def);
    if (value !== 'y' && value !== 'n') fail(`field "${name}": bad value: "${value}"`);
    return value === 'y';
  };
  const int = (name: string, def: string): number => {
    const value = field(name, def);
    const m = /^(\d+)\??$/.exec(value);
    if (!m) fail(`field "${name}": bad value: "${value}"`);
    return Number(m![1]);
  };

  const service = field('service name');
  const type = field('transport type') as MasterServiceType;
  if (!TYPES.includes(type)) fail(`bad transport type: ${type}`);
  const isPrivate = bool('private', 'y');
  if (type === 'inet' && isPrivate) fail('inet service cannot be private');
  const unpriv = bool('unprivileged', 'y');
  const chroot = bool('chroot', compatLevelBelow1(config) ? 'y' : 'n');
  const wakeupText = tokens[next] ?? '';
  const wakeup = int('wakeup_time', '0');
  const maxproc = int('max_proc', String(config.int('default_process_limit')));
  const command = field('command');
  const args = tokens.slice(next);
  return {
    service,
    type,
    private: isPrivate,
    unpriv,
    chroot,
    wakeup,
    wakeupConditional: wakeup > 0 && wakeupText.endsWith('?'),
    maxproc,
    command,
    args,
    options: collectOptions(args, fail),
    line,
  };
}

function compatLevelBelow1(config: MainConfig): boolean {
  try {
    return parseCompatLevel(config.get('compatibility_level'))[0] < 1;
  } catch {
    return false; // a compatibility_level that does not parse: the current defaults apply
  }
}

/** Split on blanks; a token starting with "{" runs to its matching "}" and is stripped. */
function tokenize(text: string, fail: (msg: string) => never): string[] {
  const tokens: string[] = [];
  let i = 0;
  while (i < text.length) {
    while (i < text.length && /\s/.test(text[i])) i++;
    if (i >= text.length) break;
    if (text[i] === '{') {
      let depth = 0;
      let j = i;
      for (; j < text.length; j++) {
        if (text[j] === '{') depth++;
        else if (text[j] === '}' && --depth === 0) break;
      }
      if (depth > 0) fail(`missing '}' in "${text.slice(i)}"`);
      if (j + 1 < text.length && !/\s/.test(text[j + 1])) fail(`syntax error after '}' in "${text.slice(i)}"`);
      tokens.push(text.slice(i + 1, j).trim());
      i = j + 1;
    } else {
      let j = i;
      while (j < text.length && !/\s/.test(text[j])) j++;
      tokens.push(text.slice(i, j));
      i = j;
    }
  }
  return tokens;
}

function collectOptions(args: string[], fail: (msg: string) => never): Record<string, string> {
  const options: Record<string, string> = {};
  for (let i = 0; i < args.length; i++) {
    let spec: string | undefined;
    if (args[i] === '-o') spec = args[++i];
    else if (args[i].startsWith('-o')) spec = args[i].slice(2);
    else continue;
    if (spec === undefined) fail('option "-o" requires a parameter name=value');
    const m = /^\s*([^\s=]+)\s*=\s*([\s\S]*?)\s*$/.exec(spec!);
    if (!m) fail(`-o option: missing '=' after attribute name: "${spec}"`);
    options[m![1]] = m![2];
  }
  return options;
}
