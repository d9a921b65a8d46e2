import { BillingService } from '../../src/application/billing/billing.service.js';
import { VirtualClock } from '../../src/application/clock/clock.js';
import { PersonalDataVault } from '../../src/application/personal-data/personal-data-vault.js';
import type { OpenAccountCommand } from '../../src/domain/account/open-account.js';
import type { LedgerCommand } from '../../src/domain/ledger/ledger-commands.js';
import { ProfileRegistry } from '../../src/domain/policies/profile-registry.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { TimelineEngine } from '../../src/timelines/timeline-engine.js';
import { SqliteReadModelDb } from '../../projections/runner/sqlite-read-model-db.js';
import { testCatalog } from '../e2e/harness.js';

let commands = 0;

/** The engine on a virtual clock over an in-memory store: advance time and every due deadline fires in order. */
export async function startTimelines(
  start: string,
  dbPath = ':memory:',
  store = SqliteEventStore.open({ path: ':memory:' }),
) {
  const clock = new VirtualClock(start);
  const profiles = new ProfileRegistry();
  const vault = new PersonalDataVault(':memory:');
  const billing = new BillingService(store, clock, profiles, testCatalog(), vault);
  const db = new SqliteReadModelDb(dbPath);
  const engine = new TimelineEngine(store, billing, clock, db, profiles);
  await engine.start();
  const now = () => clock.now().toISOString();
  return {
    clock,
    store,
    billing,
    engine,
    vault,
    now,
    async open(command: Partial<OpenAccountCommand> & Pick<OpenAccountCommand, 'accountId' | 'profileId'>) {
      return billing.openAccount(
        {
          payerType: 'legal-entity',
          region: 'ru-moscow',
          residency: 'resident',
          contract: 'individual-contract',
          paymentScheme: 'prepaid',
          edm: false,
          at: now(),
          ...command,
        },
        { commandId: `open-${command.accountId}`, actor: 'test' },
      );
    },
    send(accountId: string, command: LedgerCommand, at = now()) {
      return billing.onLedger(accountId, at, command, { commandId: `cmd-${++commands}`, actor: 'test' });
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
      return billing.onPayment(
        accountId,
        { type: 'TopUp', paymentId, amount, channel, at },
        { commandId: `pay-${paymentId}`, actor: 'test' },
      );
    },
    advanceTo(to: string) {
      return engine.advanceTo(to, clock);
    },
    async status(accountId: string) {
      const state = await billing.ledgerState(accountId, now());
      return { status: state.status, balance: state.balance.toFixed(), period: state.periodId };
    },
    async close() {
      await engine.stop();
      await db.close();
      await store.close();
      vault.close();
    },
  };
}
