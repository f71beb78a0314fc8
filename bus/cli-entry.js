#!/usr/bin/env node
// Runs the TypeScript CLI through tsx, so `npx egsb` works without a build step.
import { register } from 'tsx/esm/api';
register();
const { runCli } = await import('./cli.ts');
process.exitCode = await runCli(process.argv.slice(2));
