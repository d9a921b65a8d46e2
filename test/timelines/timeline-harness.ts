import type { OpenAccountCommand } from '../../src/domain/account/open-account.js';
import type { EventStore } from '../../src/platform/event-store/event-store.port.js';
import { SqliteEventStore } from '../../src/platform/event-store/sqlite/sqlite-event-store.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { buildEngine, type SendableLedgerCommand } from '../support/engine.js';

let commands = 0;

/** The engine on a virtual clock over an in-memory store: advance time and every due deadline fires in order. */
export async function startTimelines(
  start: string,
  dbPath = ':memory:',
  store: EventStore = SqliteEventStore.open({ path: ':memory:' }),
) {
  const built = await buildEngine({ start, store });
  const { clock, now } = built;
  const db = new SqliteReadModelDb(dbPath);
  const engine = built.timelines({ timelines: db });
  await engine.start();
  return {
    ...built,
    engine,
    async open(command: Partial<OpenAccountCommand> & Pick<OpenAccountCommand, 'accountId' | 'profileId'>) {
      return built.open({
        payerType: 'legal-entity',
        region: 'ru-moscow',
        residency: 'resident',
        contract: 'individual-contract',
        paymentScheme: 'prepaid',
        edm: false,
        at: now(),
        ...command,
      });
    },
    send(accountId: string, command: SendableLedgerCommand) {
      return built.send(accountId, command, `cmd-${++commands}`);
    },
    use(accountId: string, id: string, quantity: string) {
      const at = now();
      return this.send(accountId, {
        type: 'ConsumeResource',
        usageRecordId: id,
        sku: 'test.unit',
        quantity,
        windowStart: at,
        windowEnd: at,
      });
    },
    topUp(
      accountId: string,
      paymentId: string,
      amount: string,
      channel: 'card' | 'bank-transfer' = 'bank-transfer',
    ) {
      const at = now();
      return built.send(accountId, { type: 'TopUp', paymentId, amount, channel, at }, `pay-${paymentId}`);
    },
    advanceTo(to: string) {
      return engine.advanceTo(to, clock);
    },
    async status(accountId: string) {
      const state = await built.ledger.state(accountId, now());
      return { status: state.status, balance: state.balance.toFixed(), period: state.periodId };
    },
    async close() {
      await built.close();
      await db.close();
      await built.store.close();
    },
  };
}
