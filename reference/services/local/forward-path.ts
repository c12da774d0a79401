/**
 * $name expansion of forward_path and command_execution_directory entries, as local(8)'s
 * local_expand() does: $user, $home, $shell, $recipient, $local, $domain, $extension,
 * $recipient_delimiter, $mailbox; `${name?text}` (text when name has a value), `${name:text}`
 * (text when it has none). An entry that names an attribute without a value is skipped
 * (undefined is returned), so "$home/.forward${recipient_delimiter}${extension}" only applies
 * to addresses with an extension (luser_relay and command_execution_directory ask for an empty
 * expansion instead). Values are censored with the expansion filter, when there is one (none for
 * luser_relay). macroSyntaxError() finds what mac_parse() rejects ("${" left open, "$" without
 * a name), which callers check first: local(8) warns and skips the forward_path entry, or defers
 * the command.
 *
 * Differs from Postfix: "$$" is not turned into "$" here (the expansion sees "$" and a name).
 */
import { censor } from './command.ts';

/** The characters of a $name reference's name (mac_parse.c: alphanumerics and "_"). */
const NAME_CHAR = /[A-Za-z0-9_]/;
const OPEN_TO_CLOSE: Record<string, string> = { '{': '}', '(': ')' };

/**
 * The syntax error mac_parse() finds in `pattern`, as the warning it logs, or undefined: a
 * "${" or "$(" without its closing bracket (nested brackets of the same kind count), or a "$"
 * followed by no name. Unlike an attribute without a value, this makes local(8) give up the
 * expansion (MAC_PARSE_ERROR).
 */
export function macroSyntaxError(pattern: string): string | undefined {
  for (let i = 0; i < pattern.length; i++) {
    if (pattern[i] !== '$') continue;
    if (pattern[i + 1] === '$') {
      i++; // "$$" is a literal "$"
      continue;
    }
    const open = pattern[i + 1] ?? '';
    const close = OPEN_TO_CLOSE[open];
    let name = '';
    if (close) {
      let level = 1;
      let end = i + 2;
      for (; end < pattern.length && level > 0; end++) {
        if (pattern[end] === open) level++;
        else if (pattern[end] === close) level--;
      }
      if (level > 0) return `truncated macro reference: "${pattern}"`;
      name = pattern.slice(i + 2, end - 1);
      i = end - 1;
    } else {
      let end = i + 1;
      while (end < pattern.length && NAME_CHAR.test(pattern[end])) end++;
      name = pattern.slice(i + 1, end);
      i = end - 1;
    }
    if (name === '') return `empty macro name: "${pattern}"`;
  }
  return undefined;
}

export type ExpandVars = Record<string, string | undefined>;

export function localExpand(pattern: string, vars: ExpandVars, filter: string | undefined, emptyWhenUnset = false): string | undefined {
  let undef = false;
  const value = (name: string): string | undefined => {
    const v = vars[name];
    return v === undefined || v === '' ? undefined : v;
  };
  const out = pattern.replace(/\$(?:\{([A-Za-z_][A-Za-z0-9_]*)(?:([?:])([^}]*))?\}|\(([A-Za-z_][A-Za-z0-9_]*)\)|([A-Za-z_][A-Za-z0-9_]*))/g,
    (_m, braced?: string, op?: string, text?: string, paren?: string, bare?: string) => {
      const name = braced ?? paren ?? bare ?? '';
      const v = value(name);
      if (op === '?') return v === undefined ? '' : text ?? '';
      if (op === ':') return v === undefined ? text ?? '' : '';
      if (v === undefined) {
        undef = true;
        return '';
      }
      return filter === undefined ? v : censor(v, filter);
    });
  return undef && !emptyWhenUnset ? undefined : out;
}
