/**
 * Public API of reference/tables: Postfix lookup tables as the reference's services use them.
 */
export { openTable, lookupList, postmapQuery, splitSpec, SUPPORTED_TYPES } from './open.ts';
export type { TableList } from './open.ts';
export * from './types.ts';
