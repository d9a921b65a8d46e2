/** Entry point of `npm run projections -- …` (see projections-command-line.ts for the commands). */
import { exitUnlessSupportedNode } from '../../platform/runtime/node-version.js';

// Before the commands' modules load: they import node:sqlite (see node-version.ts).
exitUnlessSupportedNode();
const { parseProjectionsCommandLine } = await import('./projections-command-line.js');
const io = {
  env: process.env,
  out: (text: string) => process.stdout.write(text),
  err: (text: string) => process.stderr.write(text),
  tty: Boolean(process.stdout.isTTY),
};
const intent = parseProjectionsCommandLine(process.argv.slice(2), io);
// Help and usage errors end here, before the runtime (stores, projections) is even loaded.
if (typeof intent === 'number') process.exit(intent);
const { ConfigError } = await import('../../platform/config/config.js');
const { runProjectionsIntent } = await import('./projections-cli.js');
runProjectionsIntent(intent, io)
  .then((code) => process.exit(code))
  .catch((error: unknown) => {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  });
