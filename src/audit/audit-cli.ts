// The audit CLI (`npm run audit -- <command>`, against the configured event store); `--help` describes each
// command. Exit codes: 0 intact, 1 something broken or unsigned, 2 a usage or configuration error.
import { existsSync } from 'node:fs';
import { Command } from 'commander';
import { exitUnlessSupportedNode } from '../platform/runtime/node-version.js';

// Before the commands' modules load: they import node:sqlite (see node-version.ts).
exitUnlessSupportedNode();

// Usage errors (unknown command or option, missing account) exit 2; help exits 0.
const program = new Command('npm run audit --')
  .description(
    'Check the event log against its hash chains and signed checkpoints (reads the same environment as the app).',
  )
  .showHelpAfterError('(add --help for usage)')
  .exitOverride((error) => process.exit(error.exitCode === 0 ? 0 : 2));
let command: 'verify' | 'verify-log' | 'checkpoint' | 'recompute' | 'export-period' | undefined;
let accountId: string | undefined;
let periodId: string | undefined;
let issuerId: string | undefined;
let outFile: string | undefined;
let metricsFile: string | undefined;
program
  .command('verify')
  .description(
    "recompute the hash chains of the account's streams and compare them with the latest signed checkpoint; one JSON line per stream (exit 1 when anything is broken)",
  )
  .argument('<accountId>', 'the account')
  .action((id: string) => {
    command = 'verify';
    accountId = id;
  });
program
  .command('verify-log')
  .description(
    'the whole log against the latest signed checkpoint: one JSON line per finding, then a summary (exit 1 when tampered with, or nothing was ever signed)',
  )
  .action(() => {
    command = 'verify-log';
  });
program
  .command('checkpoint')
  .description(
    'check the log, then anchor what was appended since the last checkpoint and sign a new one (exit 1 when the log does not match)',
  )
  .action(() => {
    command = 'checkpoint';
  });
program
  .command('recompute')
  .description(
    "rebuild the period's documents from the log in a scratch in-memory store and compare them with what was issued (the log and the read model): one JSON line per difference, then a summary (exit 1 and an AUDIT_RECOMPUTE_MISMATCH line on stderr when anything differs)",
  )
  .argument('<accountId>', 'the account')
  .argument('<periodId>', 'the reporting period, YYYY-MM')
  .option(
    '--metrics-file <path>',
    "also write the number of differences and the run's time to <path> in the Prometheus text format, atomically (for node_exporter's textfile collector: name it *.prom in its directory)",
  )
  .action((id: string, period: string, options: { metricsFile?: string }) => {
    command = 'recompute';
    accountId = id;
    periodId = period;
    metricsFile = options.metricsFile;
  });
program
  .command('export-period')
  .description(
    "write the auditor's export of a period for every account of an issuer (events with their hash chains, documents, derivations, the latest signed checkpoint) as JSON Lines to <file>; verify it offline with scripts/verify-audit-export.mjs",
  )
  .argument('<issuerId>', 'the issuer, e.g. ru-moscow-llc')
  .argument('<periodId>', 'the reporting period, YYYY-MM')
  .argument('<file>', 'where to write the export')
  .action((issuer: string, period: string, file: string) => {
    command = 'export-period';
    issuerId = issuer;
    periodId = period;
    outFile = file;
  });
program.parse();
if (command === undefined) {
  program.outputHelp({ error: true });
  process.exit(2);
}
// Loaded once the command line is valid: help and usage errors need no store.
const { ConfigError, loadAnchorConfig, loadConfig } = await import('../platform/config/config.js');
const { createEventStore } = await import('../platform/event-store/create-event-store.js');
const { loadAnchorKeys } = await import('../platform/event-store/anchor/anchor-keys.js');
const { LogAnchor } = await import('../platform/event-store/anchor/log-anchor.js');
const { verifyAccount } = await import('./audit-trail/account-verification.js');
// A configuration problem (a bad or missing key) is an operator's message, not a stack trace.
const configured = (() => {
  try {
    const config = loadConfig();
    const anchorConfig = loadAnchorConfig(process.env, config.dataDir);
    // Verifying never creates the anchor file or a key: an absent anchor is reported, not made up.
    const anchored =
      command !== 'recompute' &&
      command !== 'export-period' &&
      (command === 'checkpoint' || existsSync(anchorConfig.db));
    const keys = anchored
      ? loadAnchorKeys(anchorConfig, { forSigning: command === 'checkpoint' })
      : undefined;
    return { config, anchorConfig, keys };
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    console.error(error.message);
    process.exit(2);
  }
})();
const { config, anchorConfig, keys } = configured;
const store = await createEventStore(config.eventStore);
if (command === 'recompute') {
  const { runRecompute } = await import('./recompute/recompute-command.js');
  const code = await runRecompute(store, config, accountId!, periodId!, { metricsFile }).catch(
    (error: unknown) => {
      console.error((error as Error).message);
      return 2;
    },
  );
  await store.close();
  process.exit(code);
}
if (command === 'export-period') {
  const { runExport } = await import('./period-export/export-command.js');
  const code = await runExport(store, config, anchorConfig, issuerId!, periodId!, outFile!).catch(
    (error: unknown) => {
      console.error((error as Error).message);
      return 2;
    },
  );
  await store.close();
  process.exit(code);
}
const anchor = keys ? LogAnchor.open(anchorConfig.db, store, keys) : undefined;

let exitCode = 0;
if (command === 'verify') {
  const result = await verifyAccount(store, accountId!, anchor);
  for (const stream of result.streams) console.log(JSON.stringify(stream));
  for (const finding of result.anchor ?? []) console.log(JSON.stringify({ anchor: finding }));
  if (result.streams.length === 0) console.error(`No streams for account ${accountId}`);
  exitCode = !result.intact || result.streams.length === 0 ? 1 : 0;
} else {
  const check = anchor ? await anchor.verify() : { checkpoint: null, intact: true, findings: [] };
  for (const finding of check.findings) console.log(JSON.stringify(finding));
  const head = (await store.headPosition())?.toString() ?? null;
  if (check.intact && command === 'checkpoint') {
    const signed = await anchor!.checkpoint();
    console.log(JSON.stringify({ signed: signed ?? null, latest: anchor!.latestCheckpoint() ?? null, head }));
  } else {
    console.log(JSON.stringify({ intact: check.intact, checkpoint: check.checkpoint, head }));
  }
  if (!check.checkpoint && head !== null && command === 'verify-log') {
    console.error(`No signed checkpoint (${anchorConfig.db}): nothing vouches for this log`);
  }
  exitCode = !check.intact || (command === 'verify-log' && !check.checkpoint && head !== null) ? 1 : 0;
}
// Closing the anchor here must not sign again: it was never started (stop() signs only for a started anchor).
await anchor?.stop();
await store.close();
process.exit(exitCode);
