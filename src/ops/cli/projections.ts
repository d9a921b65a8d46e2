/** Entry point of `npm run projections -- …` (see projections-cli.ts for the commands). */
import { exitUnlessSupportedNode } from '../../platform/runtime/node-version.js';

// Before the commands' modules load: they import node:sqlite (see node-version.ts).
exitUnlessSupportedNode();
const { ConfigError } = await import('../../platform/config/config.js');
const { runProjectionsCli } = await import('./projections-cli.js');

runProjectionsCli(process.argv.slice(2), {
  env: process.env,
  out: (text) => process.stdout.write(text),
  err: (text) => process.stderr.write(text),
  tty: Boolean(process.stdout.isTTY),
})
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
