// The audit CLI (`npm run audit -- <command>`), against the configured event store:
//   verify <accountId>  recomputes the hash chains of the account's streams (account, ledger periods, payment
//                       claims) and, with the log anchor, compares them with the latest signed checkpoint; one
//                       JSON line per stream. Exit code 1 when anything is broken.
//   verify-log          the whole log against the latest signed checkpoint: one JSON line per finding, then a
//                       summary. Exit code 1 when anything was tampered with, or nothing was ever signed.
//   checkpoint          checks the log, then anchors what was appended since the last checkpoint and signs a new
//                       one (an ops command, e.g. before a backup). Exit code 1 when the log does not match.
import { existsSync } from 'node:fs';
import { ConfigError, loadAnchorConfig, loadConfig } from '../platform/config/config.js';
import { createEventStore } from '../platform/event-store/create-event-store.js';
import { loadAnchorKeys } from '../platform/event-store/anchor/anchor-keys.js';
import { LogAnchor } from '../platform/event-store/anchor/log-anchor.js';
import { verifyAccount } from './audit-trail/account-verification.js';

const USAGE = 'Usage: npm run audit -- verify <accountId> | verify-log | checkpoint';
const [command, accountId] = process.argv.slice(2);
if (!(command === 'verify' && accountId) && command !== 'verify-log' && command !== 'checkpoint') {
  console.error(USAGE);
  process.exit(2);
}
// A configuration problem (a bad or missing key) is an operator's message, not a stack trace.
const configured = (() => {
  try {
    const config = loadConfig();
    const anchorConfig = loadAnchorConfig(process.env, config.dataDir);
    // Verifying never creates the anchor file or a key: an absent anchor is reported, not made up.
    const anchored = command === 'checkpoint' || existsSync(anchorConfig.db);
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
