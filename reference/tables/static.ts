/**
 * static:value and static:{ value with blanks } — every lookup returns the value
 * (postconf(5) "static"). Postfix 3.7 strips one pair of braces and the blanks inside them.
 */
import type { Table } from './types.ts';

export function openStatic(name: string): Table {
  const m = /^\{\s*([\s\S]*?)\s*\}$/.exec(name);
  const value = m ? m[1] : name;
  return {
    type: 'static',
    name,
    warnings: [],
    lookup: async () => value,
    lookupNow: () => value,
    close: async () => {},
  };
}
