#!/usr/bin/env node
/**
 * The `kez` executable. All the work — and the one catch that turns errors
 * into `kez: … (<code>)` and an exit code — is in cli.ts.
 */
import '@kez/core-node/install';
import { runCli } from './cli.js';

// A reader that stops early (`kez --help | head`) closes the pipe: that is not an error.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw e;
});

process.exitCode = await runCli(
  process.argv.slice(2),
  { stdout: process.stdout, stderr: process.stderr, stdin: process.stdin },
  process.env,
);
