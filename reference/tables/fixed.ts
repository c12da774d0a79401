/**
 * Fixed-string tables held in memory: inline:{ key=value, ... } and texthash:/path
 * (DATABASE_README, postmap(1) input format). Keys are lowercased unless foldCase is false;
 * a duplicate key keeps the first value and records a warning, as postmap does (DUP_WARN).
 */
import { logicalLines } from '../config/index.ts';
import { foldKey, readTableFile } from './fold.ts';
import { TableError, type Table } from './types.ts';

class MemoryTable implements Table {
  readonly warnings: string[] = [];
  private readonly entries = new Map<string, string>();
  constructor(
    readonly type: string,
    readonly name: string,
    private readonly fold: boolean,
  ) {}

  add(key: string, value: string, where: string): void {
    const k = foldKey(key, this.fold);
    if (this.entries.has(k)) this.warnings.push(`${where}: duplicate entry: "${k}"`);
    else this.entries.set(k, value);
  }

  lookupNow(key: string): string | null {
    return this.entries.get(foldKey(key, this.fold)) ?? null;
  }

  async lookup(key: string): Promise<string | null> {
    return this.lookupNow(key);
  }

  async close(): Promise<void> {}
}

/** inline:{ key=value, { key = value with, commas } } */
export function openInline(name: string, fold: boolean): Table {
  const m = /^\{([\s\S]*)\}$/.exec(name.trim());
  if (!m) throw new TableError(`inline:${name}: bad syntax: expected "inline:{ key=value, ... }"`, 'open');
  const table = new MemoryTable('inline', name, fold);
  for (const item of splitInline(m[1], name)) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? '' : item.slice(0, eq).trim();
    if (!key) throw new TableError(`inline:${name}: "${item}": missing key=value`, 'open');
    table.add(key, item.slice(eq + 1).trim(), `inline:${name}`);
  }
  return table;
}

/** Split on commas/whitespace at depth 0; "{ ... }" items are unwrapped (their blanks kept). */
function splitInline(body: string, name: string): string[] {
  const items: string[] = [];
  let i = 0;
  while (i < body.length) {
    while (i < body.length && /[\s,]/.test(body[i])) i++;
    if (i >= body.length) break;
    if (body[i] === '{') {
      let depth = 0;
      let j = i;
      for (; j < body.length; j++) {
        if (body[j] === '{') depth++;
        else if (body[j] === '}' && --depth === 0) break;
      }
      if (depth > 0) throw new TableError(`inline:${name}: missing '}'`, 'open');
      items.push(body.slice(i + 1, j).trim());
      i = j + 1;
    } else {
      let j = i;
      while (j < body.length && !/[\s,]/.test(body[j])) j++;
      items.push(body.slice(i, j));
      i = j;
    }
  }
  return items;
}

/** texthash:/path — "key whitespace value" lines, read when opened. */
export function openTexthash(path: string, fold: boolean): Table {
  const table = new MemoryTable('texthash', path, fold);
  for (const { text, line } of logicalLines(readTableFile(path, true))) {
    const where = `${path}, line ${line}`;
    const split = splitKeyValue(text);
    if (split === 'unbalanced') {
      table.warnings.push(`${where}: unbalanced '"' -- ignoring this line`);
      continue;
    }
    if (!split.key || !split.value) {
      table.warnings.push(`${where}: expected format: key whitespace value -- ignoring this line`);
      continue;
    }
    table.add(split.key, split.value, where);
  }
  return table;
}

/** Split at the first blank outside double quotes (a backslash protects the next character). */
export function splitKeyValue(text: string): { key: string; value: string } | 'unbalanced' {
  let inQuotes = false;
  let i = 0;
  for (; i < text.length; i++) {
    const ch = text[i];
    if (ch === '\\') {
      if (++i >= text.length) break;
    } else if (/\s/.test(ch)) {
      if (!inQuotes) break;
    } else if (ch === '"') inQuotes = !inQuotes;
  }
  if (inQuotes) return 'unbalanced';
  return { key: text.slice(0, i), value: text.slice(i + 1).trim() };
}
