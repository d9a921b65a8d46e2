/** Entry point of `npm run projections -- …` (see projections-cli.ts for the commands). */
import { ConfigError } from '../../platform/config/config.js';
import { runProjectionsCli } from './projections-cli.js';

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
