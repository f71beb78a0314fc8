#!/usr/bin/env node
// The `egsb` executable: compiled to dist/bus/cli-main.js, which package.json names as its bin.
import { runCli } from './cli.ts';

process.exitCode = await runCli(process.argv.slice(2));
