import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import { executed, openCommand, testMeta } from '../../../test/support/given-accounts.js';
import { individual } from '../../../test/support/requests.js';
import { CommandRejectedError } from '../../platform/commands/command-outcome.js';
import { CloseAccount } from './close-account.command.js';
import { CloseFinalPeriod } from './close-final-period.command.js';
import { DeleteClosedAccount } from './delete-closed-account.command.js';
import { RefundRemainingBalance } from './refund-remaining-balance.command.js';
import { RecordRefundResult } from '../../ledger/record-refund-result/record-refund-result.command.js';
import { RequestRefund } from '../../ledger/request-refund/request-refund.command.js';

const OPENED = '2026-03-01T09:00:00.000Z';
const CLOSURE = '2026-03-15T09:00:00.000Z';
const APRIL = '2026-04-02T09:00:00.000Z';

let engine: TestEngine;
beforeEach(async () => {
  engine = await buildEngine({ start: OPENED });
});
afterEach(() => engine.close());

/** An individual (first provider, prepaid) with `deposit` topped up and `used` consumed, closed on 15 March. */
async function closedAccount(accountId: string, deposit: string, used: string) {
  await engine.open(openCommand(individual(accountId)));
  await engine.send(accountId, {
    type: 'TopUp',
    paymentId: `${accountId}-p`,
    amount: deposit,
    channel: 'card',
    at: OPENED,
  });
  engine.clock.set('2026-03-10T09:00:00.000Z');
  await engine.send(accountId, {
    type: 'ConsumeResource',
    usageRecordId: `${accountId}-u`,
    sku: 'test.unit',
    quantity: used,
    windowStart: '2026-03-10T08:00:00.000Z',
    windowEnd: '2026-03-10T09:00:00.000Z',
  });
  engine.clock.set(CLOSURE);
  await engine.commands.execute(new CloseAccount({ accountId, at: CLOSURE, by: 'test' }, testMeta()));
  return executed(engine, new CloseFinalPeriod(accountId, testMeta()));
}

describe('the closure saga’s steps on the engine (issue 14, item 5)', () => {
  it('nothing owed and nothing left: the final close is the last period — a later one is refused ACCOUNT_CLOSED', async () => {
    const { outcome, newEvents } = await closedAccount('cf-paid', '30', '30');
    expect(outcome).toMatchObject({ status: 'accepted', eventTypes: ['PeriodClosed'] });
    expect(newEvents[0]!.data).toMatchObject({ endsEarlyAt: CLOSURE, closingBalance: '0' });
    // Closing again is a duplicate.
    expect(await engine.commands.execute(new CloseFinalPeriod('cf-paid', testMeta()))).toMatchObject({
      status: 'duplicate',
    });
    engine.clock.set(APRIL);
    const later = engine.ledger.state('cf-paid', APRIL);
    await expect(later).rejects.toBeInstanceOf(CommandRejectedError);
    await expect(later).rejects.toMatchObject({ code: 'ACCOUNT_CLOSED' });
  });

  // Changed with the refunds wiring (issue 14, items 4–5): a positive balance left at the final close is
  // money to return, so the period after the final one opens to book its refund (the final period's stream
  // ends at the closure instant); this test used to expect ACCOUNT_CLOSED for a balance of 70.
  it('money left: the refund is booked in the period after the final one, then the account is deleted', async () => {
    const { newEvents } = await closedAccount('cf-left', '100', '30');
    expect(newEvents[0]!.data).toMatchObject({ endsEarlyAt: CLOSURE, closingBalance: '70' });
    // In the rest of the closure month nothing can be booked: the refund is asked again later.
    await engine.commands.execute(new RefundRemainingBalance('cf-left', CLOSURE, testMeta()));
    const march = await executed(
      engine,
      new DeleteClosedAccount('cf-left', '2026-03-16T09:00:00.000Z', testMeta()),
    );
    expect(march.newEvents).toMatchObject([{ type: 'ClosedAccountDeletionDeferred' }]);
    // In April the daily check asks for the refund of everything left: booked in April's period.
    engine.clock.set(APRIL);
    const april = await executed(engine, new DeleteClosedAccount('cf-left', APRIL, testMeta()));
    expect(april.newEvents.map((e) => e.type)).toEqual([
      'PeriodOpened',
      'RefundRequested',
      'ClosedAccountDeletionDeferred',
    ]);
    expect(april.newEvents[2]!.data).toMatchObject({ code: 'REFUND_PENDING' });
    const asked = await engine.ledger.state('cf-left', APRIL);
    expect(asked).toMatchObject({ periodId: '2026-04', phase: 'open' });
    expect(asked.balance.toFixed()).toBe('0');
    expect([...asked.refunds.values()]).toMatchObject([
      {
        refundId: 'cf-left-closure',
        amount: '70',
        parts: [{ paymentId: 'cf-left-p', channel: 'card', amount: '70' }],
      },
    ]);
    // The gateway answers: the refund completes, and the next check deletes the account.
    await engine.commands.execute(
      new RecordRefundResult('cf-left', 'cf-left-closure', { status: 'completed' }, undefined, testMeta()),
    );
    const deleted = await executed(
      engine,
      new DeleteClosedAccount('cf-left', '2026-04-03T09:00:00.000Z', testMeta()),
    );
    expect(deleted.newEvents).toMatchObject([{ type: 'AccountDeleted' }]);
  });

  it('the closure refund failed and ops returned the money under another refund: the account is deleted', async () => {
    await closedAccount('cf-failed', '100', '30');
    engine.clock.set(APRIL);
    await executed(engine, new DeleteClosedAccount('cf-failed', APRIL, testMeta()));
    // The card refund fails: the 70 is back on the balance, so the deletion waits.
    await engine.commands.execute(
      new RecordRefundResult(
        'cf-failed',
        'cf-failed-closure',
        { status: 'failed', reason: 'card expired' },
        undefined,
        testMeta(),
      ),
    );
    const waiting = await executed(
      engine,
      new DeleteClosedAccount('cf-failed', '2026-04-03T09:00:00.000Z', testMeta()),
    );
    expect(waiting.newEvents).toMatchObject([
      { type: 'ClosedAccountDeletionDeferred', data: { code: 'REFUND_PENDING' } },
    ]);
    // Ops return it under a refund of their own; while it is in flight the deletion still waits.
    engine.clock.set('2026-04-04T09:00:00.000Z');
    await engine.commands.execute(
      new RequestRefund('cf-failed', 'ops-bank', 'all', 'to the bank account given by phone', 'ops:anna'),
    );
    const inFlight = await executed(
      engine,
      new DeleteClosedAccount('cf-failed', '2026-04-04T10:00:00.000Z', testMeta()),
    );
    expect(inFlight.newEvents).toMatchObject([{ type: 'ClosedAccountDeletionDeferred' }]);
    await engine.commands.execute(
      new RecordRefundResult('cf-failed', 'ops-bank', { status: 'completed' }, undefined, testMeta()),
    );
    // Nothing refundable is left and nothing is in flight: the closure's own refund record staying 'failed'
    // does not hold the deletion back.
    const deleted = await executed(
      engine,
      new DeleteClosedAccount('cf-failed', '2026-04-05T09:00:00.000Z', testMeta()),
    );
    expect(deleted.newEvents).toMatchObject([{ type: 'AccountDeleted' }]);
  });

  it('a debt keeps the ledger in collection: later periods open, the deletion waits (DEBT_IN_COLLECTION)', async () => {
    const { newEvents } = await closedAccount('cf-debt', '10', '40');
    expect(newEvents[0]!.data).toMatchObject({ endsEarlyAt: CLOSURE, closingBalance: '-30' });
    engine.clock.set(APRIL);
    expect(await engine.ledger.state('cf-debt', APRIL)).toMatchObject({ periodId: '2026-04', phase: 'open' });
    // Nothing to refund on a debt; the deletion defers, naming the debt.
    expect(await engine.commands.execute(new RefundRemainingBalance('cf-debt', APRIL, testMeta()))).toEqual({
      requested: false,
      balance: '-30',
    });
    const deletion = await executed(engine, new DeleteClosedAccount('cf-debt', APRIL, testMeta()));
    expect(deletion.newEvents).toMatchObject([
      { type: 'ClosedAccountDeletionDeferred', data: { code: 'DEBT_IN_COLLECTION' } },
    ]);
    // The debt paid (a top-up of exactly the debt is taken), the next try deletes.
    await engine.send('cf-debt', {
      type: 'TopUp',
      paymentId: 'cf-debt-p2',
      amount: '30',
      channel: 'card',
      at: APRIL,
    });
    const retried = await executed(engine, new DeleteClosedAccount('cf-debt', APRIL, testMeta()));
    expect(retried.newEvents).toMatchObject([
      { type: 'AccountDeleted', data: { reason: 'closed at the customer’s request' } },
    ]);
    expect(engine.vault.destroyedAt('cf-debt')).toBe(APRIL);
  });

  it('before the final close the refund step is refused and the deletion waits (FINAL_PERIOD_OPEN)', async () => {
    await engine.open(openCommand(individual('cf-open')));
    engine.clock.set(CLOSURE);
    await engine.commands.execute(
      new CloseAccount({ accountId: 'cf-open', at: CLOSURE, by: 'test' }, testMeta()),
    );
    await expect(
      engine.commands.execute(new RefundRemainingBalance('cf-open', CLOSURE, testMeta())),
    ).rejects.toMatchObject({ code: 'FINAL_PERIOD_OPEN' });
    const deletion = await executed(engine, new DeleteClosedAccount('cf-open', CLOSURE, testMeta()));
    expect(deletion.newEvents).toMatchObject([
      { type: 'ClosedAccountDeletionDeferred', data: { code: 'FINAL_PERIOD_OPEN' } },
    ]);
  });

  it('an account never asked to close: CloseFinalPeriod is refused ACCOUNT_NOT_CLOSING, nothing stored', async () => {
    await engine.open(openCommand(individual('cf-served')));
    const head = await engine.store.headPosition();
    await expect(
      engine.commands.execute(new CloseFinalPeriod('cf-served', testMeta())),
    ).rejects.toMatchObject({
      code: 'ACCOUNT_NOT_CLOSING',
    });
    expect(await engine.store.headPosition()).toBe(head);
  });
});
