#!/usr/bin/env node
// `npm run mutation`: the mutation campaign of the reference services (not part of npm test or
// CI). Loads the TypeScript sources through tsx and runs harness/mutation/campaign.ts, which
// says what the options are.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/mutation/campaign.ts');
process.exitCode = await main(process.argv.slice(2));
