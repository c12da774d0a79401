/**
 * Conversions of expanded main.cf values, as Postfix's mail_conf_* readers do (postconf(5)):
 * booleans (yes/no, any case), integers, time values (a number and an optional unit s m h d w;
 * the unit of the parameter's default applies when none is given) and lists (separated by
 * commas and/or whitespace, with "{ ... }" groups kept whole, as mystrtokq splits them).
 */

export class ConfigValueError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigValueError';
  }
}

export function parseBool(name: string, value: string): boolean {
  const v = value.toLowerCase();
  if (v === 'yes') return true;
  if (v === 'no') return false;
  throw new ConfigValueError(`bad boolean configuration: ${name} = ${value}`);
}

export function parseInteger(name: string, value: string): number {
  if (!/^[-+]?\d+$/.test(value)) throw new ConfigValueError(`bad numerical configuration: ${name} = ${value}`);
  const n = Number(value);
  if (!Number.isSafeInteger(n)) throw new ConfigValueError(`numerical configuration out of range: ${name} = ${value}`);
  return n;
}

const TIME_UNITS: Readonly<Record<string, number>> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800 };

/** The unit Postfix assumes for a bare number: the first letter in the (expanded) default. */
export function defaultTimeUnit(expandedDefault: string | undefined): string {
  const m = /[A-Za-z]/.exec(expandedDefault ?? '');
  return m ? m[0] : 's';
}

/** Seconds for "300", "300s", "5m", "1h", "5d", "1w" (one unit only, as conv_time accepts). */
export function parseTime(name: string, value: string, defaultUnit = 's'): number {
  const m = /^(\d+)([a-zA-Z]?)$/.exec(value);
  const unit = m ? m[2] || defaultUnit : '';
  const factor = TIME_UNITS[unit];
  if (!m || factor === undefined) throw new ConfigValueError(`invalid time value: ${name} = ${value}`);
  return Number(m[1]) * factor;
}

/** Split a list value on commas and whitespace; "{...}" (balanced) stays inside its token. */
export function splitList(value: string, separators = ', \t\r\n'): string[] {
  const out: string[] = [];
  let token = '';
  let depth = 0;
  for (const ch of value) {
    if (depth === 0 && separators.includes(ch)) {
      if (token) out.push(token);
      token = '';
      continue;
    }
    if (ch === '{') depth++;
    else if (ch === '}' && depth > 0) depth--;
    token += ch;
  }
  if (depth > 0) throw new ConfigValueError(`missing '}' in list: "${value}"`);
  if (token) out.push(token);
  return out;
}
