/**
 * Public API of reference/config: main.cf and master.cf as the reference MTA reads them
 * (postconf(5), master(5)). Import from here.
 */
export { ConfigError, MainConfig, loadMainCf, parseMainCf, parseMainCfEntries, logicalLines } from './main-cf.ts';
export type { MainCfEntry, MainConfigOptions } from './main-cf.ts';
export { MasterCfError, loadMasterCf, parseMasterCf } from './master-cf.ts';
export type { MasterEntry, MasterServiceType, MasterCfOptions } from './master-cf.ts';
export { ExpandError, expandValue, parseCompatLevel } from './expand.ts';
export { defaultRaw, defaultNames, RAW_PARAMETERS, HOST_DERIVED } from './defaults.ts';
export { ConfigValueError, parseBool, parseInteger, parseTime, splitList } from './units.ts';
