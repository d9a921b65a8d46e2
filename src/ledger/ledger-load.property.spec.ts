import fc from 'fast-check';
import { decideLedger } from '../domain/ledger/ledger-decide.js';
import type { LedgerEvent } from '../domain/ledger/ledger-events.js';
import {
  evolveLedger,
  foldLedger,
  initialLedgerState,
  type LedgerState,
} from '../domain/ledger/ledger-state.js';
import { periodHistory } from '../domain/ledger/ledger-history.fixtures.js';
import { contextFor, MARCH } from '../domain/ledger/ledger.fixtures.js';
import { AggregateStreams } from '../platform/commands/aggregate-streams.js';
import { VirtualClock } from '../platform/clock/clock.js';
import type { EventStore } from '../platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../platform/event-store/sqlite/sqlite-event-store.js';
import { withoutLightRead } from '../../test/support/store-views.js';

/**
 * A period loaded through the embedded store's lighter read (readStreamForLoad: type, data, command id, last
 * hash) must give the ledger the very state, revision, hash and command ids a load through readStream gives,
 * so every decision on it — the month-end close first — is the same (issue 18).
 */
/** Random March histories, each accepted command's events as the engine decided them. */
const history = periodHistory({ minSteps: 0, maxSteps: 30 });

const AFTER_MARCH = '2026-04-01T00:05:00.000Z';
const ledgerStreams = (store: EventStore) =>
  new AggregateStreams<LedgerState, LedgerEvent>(
    store,
    new VirtualClock(AFTER_MARCH),
    initialLedgerState,
    evolveLedger,
    100,
    undefined,
    (events) => foldLedger(events),
  );

describe('a ledger period loaded with the lighter read', () => {
  it('gives the state, revision, hash and command ids of a full read, and the same close (property)', async () => {
    let closes = 0;
    await fc.assert(
      fc.asyncProperty(history, async ({ profileId, commands }) => {
        const store = SqliteEventStore.open({ path: ':memory:' });
        const stream = `ledger-acc-1@${MARCH.periodId}`;
        const writer = ledgerStreams(store);
        for (const [index, events] of commands.entries())
          await writer.decide(
            stream,
            () => ({ ok: true, events }),
            { commandId: `c-${index}`, actor: 'test' },
            MARCH.startsAt,
          );

        const light = await ledgerStreams(store).load(stream);
        const full = await ledgerStreams(withoutLightRead(store)).load(stream);
        expect(light.state).toEqual(full.state);
        expect(light.revision).toBe(full.revision);
        expect(light.lastHash).toBe(full.lastHash);
        expect(light.commandIds).toEqual(full.commandIds);

        const close = (state: LedgerState) =>
          decideLedger(
            { type: 'ClosePeriod', at: AFTER_MARCH, timeZone: 'Europe/Moscow' },
            state,
            contextFor(profileId),
          );
        const closed = close(light.state);
        expect(closed).toEqual(close(full.state));
        if (closed.ok) closes++;
        await store.close();
      }),
      { numRuns: 60, seed: 18 },
    );
    // The property covered real closes, not only rejections.
    expect(closes).toBeGreaterThan(30);
  });
});
