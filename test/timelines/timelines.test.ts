import Big from 'big.js';
import { verifyChain } from '../../src/platform/event-store/hash-chain.js';
import { startTimelines as start } from './timeline-harness.js';
import { ChangeContract } from '../../src/accounts/change-contract/change-contract.command.js';

const running: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const close of running.splice(0)) await close().catch(() => undefined);
});
async function startTimelines(...args: Parameters<typeof start>) {
  const timelines = await start(...args);
  running.push(() => timelines.close());
  return timelines;
}

const DAY = 86_400_000;
/** A first-provider individual on prepayment (vk-individual-prepaid). */
const openPrepaidIndividual = (t: Awaited<ReturnType<typeof start>>, accountId: string) =>
  t.open({
    accountId,
    profileId: 'vk-individual-prepaid',
    payerType: 'individual',
    contract: 'public-offer',
  });
const plus = (iso: string, ms: number) => new Date(Date.parse(iso) + ms).toISOString();
const details = {
  name: 'ООО «Ромашка»',
  taxId: '7707083893',
  kpp: '773601001',
  address: 'Москва, ул. Льва Толстого, 16',
};

describe('timelines on the virtual clock', () => {
  it('second provider: funds run out → notices 7/3/0 days → suspended → daily penalties → blocked on day 60 → personal data erased', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await t.open({
      accountId: 'romashka',
      profileId: 'yc-legal-prepaid',
      contract: 'public-offer',
      legalDetails: details,
    });
    await t.topUp('romashka', 'p1', '100');
    t.clock.set('2026-03-05T09:00:00.000Z');
    // A bank-transfer payer (the legal entity's default) is also billed for the debt (seed 004).
    expect((await t.use('romashka', 'u1', '110')).eventTypes).toEqual([
      'ResourceConsumed',
      'PaymentRequired',
      'BillIssued',
    ]);
    const suspendAt = '2026-03-12T09:00:00.000Z';

    await t.advanceTo(plus(suspendAt, -1));
    expect((await t.status('romashka')).status).toBe('payment-required');
    const notices = t.engine.fired.filter((f) => f.id.includes('notice')).map((f) => [f.dueAt, f.outcome]);
    expect(notices).toEqual([
      ['2026-03-05T09:00:00.000Z', 'SuspensionNoticeSent'],
      ['2026-03-09T09:00:00.000Z', 'SuspensionNoticeSent'],
    ]);
    await t.advanceTo(suspendAt);
    expect(await t.status('romashka')).toMatchObject({ status: 'suspended', balance: '-10' });
    expect(t.engine.fired.filter((f) => f.id.includes('notice')).at(-1)).toMatchObject({
      dueAt: suspendAt,
      outcome: 'SuspensionNoticeSent',
    });

    // Day 59 after suspension: still suspended, one penalty of 0.01 per day (0.1% of 10) so far.
    await t.advanceTo(plus(suspendAt, 59 * DAY));
    const day59 = await t.status('romashka');
    expect(day59.status).toBe('suspended');
    const penalties = t.engine.fired.filter(
      (f) => f.id.includes('/penalty/') && f.outcome === 'PenaltyAccrued',
    );
    // A penalty day counts once it has ended (local midnight): suspended on 12 March, days 13 March … 9 May.
    expect(penalties.length).toBe(58);
    expect(day59.balance).toBe('-10.58');
    // Month ends passed on the way: March and April closed at Moscow midnight.
    expect(t.engine.fired.filter((f) => f.id.includes('/close/')).map((f) => f.dueAt)).toEqual([
      '2026-03-31T21:00:00.000Z',
      '2026-04-30T21:00:00.000Z',
    ]);

    await t.advanceTo(plus(suspendAt, 60 * DAY));
    expect((await t.status('romashka')).status).toBe('blocked');
    const account = { state: await t.accounts.state('romashka') };
    expect(account.state.deletedAt).toBe(plus(suspendAt, 60 * DAY));
    expect(account.state.legalDetails).toBeUndefined();
    // The history is intact and provable, but the stored personal data is unreadable ciphertext.
    const history = await t.store.readStream('account-romashka');
    expect(verifyChain(history)).toBeUndefined();
    expect(JSON.stringify(history.map((e) => e.data))).not.toContain('Ромашка');
    expect(JSON.stringify(history.map((e) => e.data))).toContain('aes-256-gcm:');
    expect(history.map((e) => e.type)).toEqual(['AccountOpened', 'AccountDeleted']);
    await expect(t.use('romashka', 'u2', '1')).rejects.toMatchObject({ code: 'ACCOUNT_BLOCKED' });
  });

  it('restores when the debt is paid in full before day 60; the pending deletion then does nothing', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await t.open({ accountId: 'payer', profileId: 'yc-legal-prepaid', contract: 'public-offer' });
    await t.topUp('payer', 'p1', '100');
    await t.use('payer', 'u1', '150');
    await t.advanceTo('2026-03-08T09:00:00.000Z');
    expect((await t.status('payer')).status).toBe('suspended');
    await t.advanceTo('2026-04-01T12:00:00.000Z');
    // Penalties made the debt a little bigger than 50: pay one kopeck short of it, then the rest.
    const debt = new Big((await t.status('payer')).balance).neg();
    const short = await t.topUp('payer', 'p2', debt.minus('0.01').toFixed(2));
    // The payment settles the bills raised for the debt (seed 004) but restores nothing.
    expect(short.eventTypes[0]).toBe('FundsDeposited');
    expect(short.eventTypes).not.toContain('AccountRestored');
    expect((await t.status('payer')).status).toBe('suspended');
    const full = await t.topUp('payer', 'p3', '10.00');
    expect(full.eventTypes[0]).toBe('FundsDeposited');
    expect(full.eventTypes.at(-1)).toBe('AccountRestored');
    await t.advanceTo('2026-05-10T09:00:00.000Z');
    expect((await t.status('payer')).status).toBe('active');
    expect(t.engine.fired.find((f) => f.id.includes('/block/'))?.outcome).toBe('no-op');
  });

  it('first provider: frozen objects queued after 7 days (paid before), object storage blocked on day 30, deleted on day 37', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await openPrepaidIndividual(t, 'ivan');
    await t.topUp('ivan', 'c1', '10', 'card');
    const frozenAt = '2026-03-02T09:00:00.000Z';
    t.clock.set(frozenAt);
    expect((await t.use('ivan', 'u1', '10.01')).eventTypes).toEqual(['ResourceConsumed', 'AccountFrozen']);
    await t.advanceTo(plus(frozenAt, 7 * DAY - 1));
    expect(t.engine.fired.some((f) => f.outcome === 'FrozenObjectsQueuedForDeletion')).toBe(false);
    await t.advanceTo(plus(frozenAt, 7 * DAY));
    expect(
      t.engine.fired.filter((f) => f.outcome === 'FrozenObjectsQueuedForDeletion').map((f) => f.dueAt),
    ).toEqual([plus(frozenAt, 7 * DAY)]);
    await t.advanceTo(plus(frozenAt, 37 * DAY));
    expect(
      t.engine.fired.filter((f) => f.outcome.startsWith('ObjectStorage')).map((f) => [f.dueAt, f.outcome]),
    ).toEqual([
      [plus(frozenAt, 30 * DAY), 'ObjectStorageBlocked'],
      [plus(frozenAt, 37 * DAY), 'ObjectStorageDeleted'],
    ]);
    expect((await t.status('ivan')).status).toBe('frozen');
  });

  it('credit limit: the period bill is due 14 days after the period; suspended the day after, not on the due date', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await t.open({ accountId: 'credit', profileId: 'yc-legal-credit', paymentScheme: 'postpaid' });
    await t.send('credit', { type: 'SetCreditLimit', creditLimit: '10000', at: t.now() });
    await t.use('credit', 'u1', '400');
    // 2026-04-14 is the due date; 23:59 Moscow on it is still on time.
    await t.advanceTo('2026-04-14T20:59:00.000Z');
    expect((await t.status('credit')).status).toBe('active');
    const state = await t.ledger.state('credit', t.now());
    expect([...state.openBills.values()]).toMatchObject([{ amount: '400', dueDate: '2026-04-14' }]);
    await t.advanceTo('2026-04-14T21:00:00.000Z');
    expect((await t.status('credit')).status).toBe('suspended');
  });

  it('trial: upgrading to a paid profile restores a trial suspension before the deletion day', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await t.open({ accountId: 'trial', profileId: 'yc-trial', contract: 'public-offer' });
    await t.send('trial', {
      type: 'IssueGrant',
      grantId: 'start',
      kind: 'start',
      amount: '100',
      expiresAt: '2026-04-30T09:00:00.000Z',
      categories: 'all',
      excludedCategories: [],
      priority: 0,
      at: t.now(),
    });
    await t.use('trial', 'u1', '100');
    expect((await t.status('trial')).status).toBe('suspended');
    await t.advanceTo('2026-04-20T09:00:00.000Z');
    await t.commands.execute(
      new ChangeContract(
        {
          accountId: 'trial',
          contract: 'public-offer',
          paymentScheme: 'prepaid',
          profileId: 'yc-legal-prepaid',
          at: t.now(),
        },
        { commandId: 'upgrade', actor: 'test' },
      ),
    );
    expect((await t.status('trial')).status).toBe('active');
    await t.advanceTo('2026-05-10T09:00:00.000Z');
    expect((await t.status('trial')).status).not.toBe('blocked');
  });

  it('closes many accounts side by side at a month end, while each account keeps its own deadlines in order', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    const accounts = Array.from({ length: 24 }, (_, i) => `acc-${i}`);
    for (const accountId of accounts) await openPrepaidIndividual(t, accountId);
    let inFlight = 0;
    let mostAtOnce = 0;
    const ledgerState = t.ledger.state.bind(t.ledger);
    t.ledger.state = async (...args) => {
      mostAtOnce = Math.max(mostAtOnce, ++inFlight);
      try {
        await new Promise((resolve) => setImmediate(resolve));
        return await ledgerState(...args);
      } finally {
        inFlight--;
      }
    };
    const fired = await t.advanceTo('2026-05-01T09:00:00.000Z');
    // Every account closed March, then April: two closes each, never April before March.
    for (const accountId of accounts) {
      expect(fired.filter((f) => f.id.startsWith(`${accountId}/`)).map((f) => f.id)).toEqual([
        `${accountId}/close/2026-03`,
        `${accountId}/close/2026-04`,
      ]);
      expect((await t.status(accountId)).period).toBe('2026-05');
    }
    expect(mostAtOnce).toBeGreaterThan(1);
  });

  it('does not fire the close of a period that a command already closed: the deadline is met', async () => {
    const t = await startTimelines('2026-03-01T09:00:00.000Z');
    await openPrepaidIndividual(t, 'ivan');
    t.clock.set('2026-04-01T00:30:00.000Z');
    // The close endpoint (or a month-end batch) closes March before the scheduler looks.
    await t.ledger.state('ivan', '2026-04-01T00:30:00.000Z');
    await t.engine.settle();
    expect((await t.engine.pending('ivan')).map((d) => d.id)).not.toContain('ivan/close/2026-03');
    const fired = await t.advanceTo('2026-04-02T00:00:00.000Z');
    expect(fired.map((f) => f.id)).not.toContain('ivan/close/2026-03');
    expect((await t.status('ivan')).period).toBe('2026-04');
  });

  it('plans and fires a reaction exactly once when the planner was down between the event and its reaction', async () => {
    const first = await startTimelines('2026-03-01T09:00:00.000Z', ':memory:');
    await first.open({ accountId: 'crash', profileId: 'yc-legal-prepaid', contract: 'public-offer' });
    await first.engine.stop(); // the process "dies": events keep being stored, nothing plans them
    await first.topUp('crash', 'p1', '100');
    await first.use('crash', 'u1', '150');
    // A new engine over the same store and a fresh timer table catches up from the log.
    const { SqliteReadModelDb } = await import('../../projections/runner/sqlite-read-model-db.js');
    const db = new SqliteReadModelDb(':memory:');
    const restarted = first.timelines({ timelines: db });
    await restarted.start();
    await restarted.advanceTo('2026-03-09T00:00:00.000Z', first.clock);
    // Firing again (another instance, or a retry) changes nothing.
    await db.run(`UPDATE timeline_deadlines_v3 SET status = 'pending' WHERE id LIKE '%/suspend/%'`);
    await restarted.fireDue();
    const suspensions = (await first.store.readAll({ filter: { eventTypes: ['AccountSuspended'] } })).length;
    expect(suspensions).toBe(1);
    await restarted.stop();
    await db.close();
    await first.store.close();
  });
});
