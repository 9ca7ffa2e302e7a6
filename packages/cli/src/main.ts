#!/usr/bin/env node
/**
 * The `kez` executable. All the work — and the one catch that turns errors
 * into `kez: … (<code>)` and an exit code — is in cli.ts.
 */
import './node-hash.js';
import { runCli } from './cli.js';

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  process.env,
);
