/**
 * $name expansion of forward_path and command_execution_directory entries, as local(8)'s
 * local_expand() does: $user, $home, $shell, $recipient, $local, $domain, $extension,
 * $recipient_delimiter, $mailbox; `${name?text}` (text when name has a value), `${name:text}`
 * (text when it has none). An entry that names an attribute without a value is skipped
 * (undefined is returned), so "$home/.forward${recipient_delimiter}${extension}" only applies
 * to addresses with an extension (luser_relay asks for an empty expansion instead). Values are
 * censored with the expansion filter, when there is one (none for luser_relay).
 */
import { censor } from './command.ts';

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
