/**
 * Splitting an alias value or :include: file into expansion items, as local(8)'s token.c does
 * after RFC 822 tokenizing: items are separated by commas outside double quotes; surrounding
 * white space is dropped; `"..."` quotes are kept in the item; comment lines in :include:
 * files start with "#".
 */
export function splitAliasItems(value: string): string[] {
  const items: string[] = [];
  let cur = '';
  let quoted = false;
  for (let i = 0; i < value.length; i++) {
    const c = value[i];
    if (c === '\\' && i + 1 < value.length) {
      cur += c + value[++i];
    } else if (c === '"') {
      quoted = !quoted;
      cur += c;
    } else if (c === ',' && !quoted) {
      items.push(cur);
      cur = '';
    } else {
      cur += c;
    }
  }
  items.push(cur);
  return items.map((s) => s.trim()).filter((s) => s !== '');
}

export function includeItems(text: string): string[] {
  return splitAliasItems(
    text.split('\n').filter((l) => !/^\s*#/.test(l)).join(','),
  );
}

/** Strip <> around an address item ("<a@b>" → "a@b"). */
export function bareAddress(item: string): string {
  const m = /^<(.*)>$/.exec(item.trim());
  return m ? m[1] : item.trim();
}

/** A whole-item quoted string in internal form ('"|cmd arg"' → '|cmd arg'), as tok822_internalize gives it. */
export function unquoteItem(item: string): string {
  const m = /^"((?:[^"\\]|\\.)*)"$/.exec(item);
  return m ? m[1].replace(/\\(.)/g, '$1') : item;
}
