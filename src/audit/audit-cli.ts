// `npm run audit -- verify <accountId>`: recomputes the hash chains of an account's streams in the configured
// event store and prints the first edited, removed or reordered event. Exit code 1 when anything is broken.
import { loadConfig } from '../platform/config/config.js';
import { createEventStore } from '../platform/event-store/create-event-store.js';
import { verifyChain } from '../platform/event-store/hash-chain.js';
import { accountStream, LEDGER_STREAM_PREFIX } from '../platform/event-store/stream-names.js';

const [command, accountId] = process.argv.slice(2);
if (command !== 'verify' || !accountId) {
  console.error('Usage: npm run audit -- verify <accountId>');
  process.exit(2);
}
const store = await createEventStore(loadConfig().eventStore);
const streams = new Set<string>();
let after: bigint | undefined;
for (;;) {
  const page = await store.readAll({
    afterPosition: after,
    maxCount: 1000,
    filter: { streamPrefixes: [accountStream(accountId), `${LEDGER_STREAM_PREFIX}${accountId}@`] },
  });
  for (const event of page) {
    if (
      event.streamId === accountStream(accountId) ||
      event.streamId.startsWith(`${LEDGER_STREAM_PREFIX}${accountId}@`)
    ) {
      streams.add(event.streamId);
    }
  }
  if (page.length < 1000) break;
  after = page.at(-1)!.position;
}
let broken = 0;
for (const streamId of [...streams].sort()) {
  const events = await store.readStream(streamId);
  const problem = verifyChain(events);
  if (problem) broken += 1;
  console.log(
    JSON.stringify({
      streamId,
      events: events.length,
      intact: !problem,
      ...(problem ? { firstBreak: problem } : {}),
    }),
  );
}
await store.close();
if (streams.size === 0) console.error(`No streams for account ${accountId}`);
process.exit(broken > 0 || streams.size === 0 ? 1 : 0);
