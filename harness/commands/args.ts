/** A tiny option parser: --name value, --name=value, repeated options, flags, positionals. */
export interface ParsedArgs {
  options: Record<string, string[]>;
  flags: Set<string>;
  positionals: string[];
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], valued: string[], flags: string[]): ParsedArgs {
  const out: ParsedArgs = { options: {}, flags: new Set(), positionals: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (!a.startsWith('-') || a === '-') {
      out.positionals.push(a);
      continue;
    }
    const [name, inline] = a.replace(/^--?/, '').split(/=(.*)/s, 2) as [string, string | undefined];
    if (flags.includes(name)) {
      out.flags.add(name);
    } else if (valued.includes(name)) {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new UsageError(`option --${name} needs a value`);
      (out.options[name] ??= []).push(v);
    } else {
      throw new UsageError(`unknown option ${a}`);
    }
  }
  return out;
}
