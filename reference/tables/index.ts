/**
 * Public API of reference/tables: Postfix lookup tables as the reference's services use them.
 */
export { openTable, postmapQuery, splitSpec, isPatternTable, isPatternType, SUPPORTED_TYPES } from './open.ts';
export * from './types.ts';
