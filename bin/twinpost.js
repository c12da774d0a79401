#!/usr/bin/env node
// The `twinpost` command: loads the TypeScript sources through tsx and runs harness/cli.ts.
import { register } from 'tsx/esm/api';
register();
const { main } = await import('../harness/cli.ts');
process.exitCode = await main(process.argv.slice(2));
