// The projections CLI's command line (commander), apart from the commands themselves: `--help` and usage
// errors need neither configuration nor a database, and load none of the runtime.
import { Command, CommanderError, Option } from 'commander';

/** What every command reads, printed under `--help`. */
const ENVIRONMENT = `
Reads the same environment as the app: DATA_DIR, EVENT_STORE, SQLITE_PATH, ESDB_CONNECTION_STRING,
READ_MODEL_DB, WORKERS_DB. When no running instance holds a projection, this command runs the rebuild
itself. Status also lists the workers (timeline-deadlines, document-issuer, event-bus, auto-top-ups,
document-delivery): they act rather than build read models, so they can be resumed but not replayed.`;

export interface CliIo {
  env: NodeJS.ProcessEnv;
  out: (text: string) => void;
  err: (text: string) => void;
  tty: boolean;
  /** How often progress is polled, in milliseconds. */
  pollMs?: number;
}

/** One command line, parsed: what to do, before any store is opened. */
export type Intent =
  | { command: 'list' }
  | { command: 'status'; name?: string; json: boolean }
  | { command: 'replay' | 'resume'; name: string; requireIdentical: boolean; wait: boolean }
  | { command: 'rebuild'; requireIdentical: boolean; wait: boolean };

interface RequestOptions {
  requireIdentical?: boolean;
  wait: boolean;
}

/** Usage errors (unknown command or option, missing argument) exit 2, as before commander parsed them. */
const USAGE_ERROR = 2;

/**
 * The command line, described once for parsing and `--help` (commander). Nothing runs here: the chosen
 * action only records the intent, so `--help` and usage errors need no configuration or database.
 */
function projectionsProgram(io: CliIo, choose: (intent: Intent) => void): Command {
  const program = new Command('npm run projections --')
    .description('Watch, replay and resume the read models (projections) and workers of the billing engine.')
    .addHelpText('after', ENVIRONMENT)
    .configureOutput({ writeOut: io.out, writeErr: io.err })
    .showHelpAfterError('(add --help for usage)')
    .exitOverride();
  // Each command gets its own Option objects (commander keeps per-command state on them).
  const requireIdentical = () =>
    new Option('--require-identical', 'keep the live build if the new one differs (default: switch anyway)');
  const noWait = () =>
    new Option('--no-wait', 'record the request and return; the holder of each projection carries it out');
  program
    .command('list')
    .description('the projections, their code version and live build')
    .action(() => choose({ command: 'list' }));
  program
    .command('status')
    .description(
      'position, head, lag, state, holder and last error of each projection (exit 1 if one failed)',
    )
    .argument('[name]', 'one projection or worker')
    .option('--json', 'print JSON instead of a table')
    .action((name: string | undefined, options: { json?: boolean }) =>
      choose({ command: 'status', name, json: options.json === true }),
    );
  program
    .command('replay')
    .description('rebuild one projection beside the live one, compare, switch (blue/green)')
    .argument('<name>', 'the projection')
    .addOption(requireIdentical())
    .addOption(noWait())
    .action((name: string, options: RequestOptions) =>
      choose({
        command: 'replay',
        name,
        requireIdentical: options.requireIdentical === true,
        wait: options.wait,
      }),
    );
  program
    .command('rebuild')
    .description('replay every projection')
    .option('--all', 'every projection (required: to rebuild one, use replay <name>)')
    .addOption(requireIdentical())
    .addOption(noWait())
    .action((options: RequestOptions & { all?: boolean }, command: Command) => {
      if (!options.all)
        command.error('rebuild needs --all (or use replay <name>)', {
          exitCode: USAGE_ERROR,
          code: 'projections.rebuildNeedsAll',
        });
      choose({ command: 'rebuild', requireIdentical: options.requireIdentical === true, wait: options.wait });
    });
  program
    .command('resume')
    .description('restart a failed projection or worker from its checkpoint (after a fix or an outage)')
    .argument('<name>', 'the projection or worker')
    .addOption(noWait())
    .action((name: string, options: RequestOptions) =>
      choose({ command: 'resume', name, requireIdentical: false, wait: options.wait }),
    );
  return program;
}

/** Parses the command line: the intent, or the exit code when it was help or a usage error. */
export function parseProjectionsCommandLine(args: string[], io: CliIo): Intent | number {
  let intent: Intent | undefined;
  const program = projectionsProgram(io, (chosen) => (intent = chosen));
  try {
    program.parse(args, { from: 'user' });
  } catch (error) {
    if (!(error instanceof CommanderError)) throw error;
    // Help asked for is a success; help shown because no command was given is a usage error.
    return error.exitCode === 0 ? 0 : USAGE_ERROR;
  }
  return intent ?? USAGE_ERROR;
}
