#!/usr/bin/env node
// The `ballast` bin: runs clients/ts/cli.ts through tsx (no build step).
import { tsImport } from 'tsx/esm/api';

const { main } = await tsImport('./cli.ts', import.meta.url);
process.exitCode = await main(process.argv.slice(2));
