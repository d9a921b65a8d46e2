import { buildEngine, type TestEngine } from '../../../test/support/engine.js';
import {
  executed,
  midPeriodBillId,
  openCommand,
  suspendableLegal,
  testMeta,
} from '../../../test/support/given-accounts.js';
import { creditLegal, individual } from '../../../test/support/requests.js';
import type { TimelineCommand } from '../../domain/ledger/ledger-commands.js';
import {
  AccruePenalty,
  BlockIfStillSuspended,
  BlockObjectStorage,
  DeleteObjectStorage,
  QueueFrozenObjects,
  SendSuspensionNotice,
  SuspendIfBillOverdue,
  SuspendIfUnpaid,
  deadlineCommand,
} from './deadline-commands.js';

/**
 * Each deadline command, sent through the engine's CommandBus as its deadline would send it at its due
 * time: decided in the ledger period that contains the due time, re-checking the account's state there.
 */
const NOW = '2026-03-10T09:00:00.000Z';
const DAY = 86_400_000;
const plusDays = (instant: string, days: number) => new Date(Date.parse(instant) + days * DAY).toISOString();

let engine: TestEngine;
beforeEach(async () => {
  engine = await buildEngine({ start: NOW });
});
afterEach(() => engine.close());

const consume = (accountId: string, usageRecordId: string, quantity: string, at = NOW) =>
  engine.send(accountId, {
    type: 'ConsumeResource',
    usageRecordId,
    sku: 'test.unit',
    quantity,
    windowStart: at,
    windowEnd: at,
  });
const topUp = (accountId: string, paymentId: string, amount: string, at = NOW) =>
  engine.send(accountId, { type: 'TopUp', paymentId, amount, channel: 'bank-transfer', at });

/** When the clock reaches the deadline's due time, its command goes through the bus. */
async function due<C extends TimelineCommand>(
  Named: new (accountId: string, dueAt: string, command: C, meta: ReturnType<typeof testMeta>) => object,
  accountId: string,
  command: C,
) {
  if (Date.parse(command.at) > engine.clock.now().getTime()) engine.clock.set(command.at);
  return executed(engine, new Named(accountId, command.at, command, testMeta()) as never);
}

/** Second provider, no credit: 1 unit used with no funds, so payment is required and suspension set for +7 days. */
const SUSPEND_AT = plusDays(NOW, 7);
async function paymentRequired(accountId: string) {
  await engine.open(openCommand(suspendableLegal(accountId)));
  // A bank-transfer payer (the legal entity's default) is billed for the debt too (seed 004).
  expect((await consume(accountId, `${accountId}-u1`, '1')).eventTypes).toEqual([
    'ResourceConsumed',
    'PaymentRequired',
    'BillIssued',
  ]);
}
const suspendIfUnpaid = (at = SUSPEND_AT) => ({
  type: 'SuspendIfUnpaid' as const,
  reason: 'funds-exhausted' as const,
  at,
});

/** Credit limit 100 and 150 used: a mid-period bill for 150, due 2026-03-12; overdue from the 13th (Moscow). */
const OVERDUE_AT = '2026-03-12T21:00:00.000Z';
async function billed(accountId: string) {
  await engine.open(openCommand(creditLegal(accountId)));
  await engine.send(accountId, { type: 'SetCreditLimit', creditLimit: '100', at: NOW });
  expect((await consume(accountId, `${accountId}-u1`, '150')).eventTypes).toContain('BillIssued');
}

/** First provider individual, never paid: frozen at once below zero; frozen objects queued 3 days later. */
async function frozen(accountId: string) {
  await engine.open(openCommand(individual(accountId)));
  expect((await consume(accountId, `${accountId}-u1`, '5')).eventTypes).toEqual([
    'ResourceConsumed',
    'AccountFrozen',
  ]);
}

describe('SendSuspensionNotice', () => {
  const notice = (daysBefore: number) => ({
    type: 'SendSuspensionNotice' as const,
    suspendAt: SUSPEND_AT,
    daysBefore,
    at: plusDays(SUSPEND_AT, -daysBefore),
  });

  it('notifies an account whose payment is required, once per notice', async () => {
    await paymentRequired('dn-notice');
    const { outcome, newEvents } = await due(SendSuspensionNotice, 'dn-notice', notice(3));
    expect(outcome).toMatchObject({ status: 'accepted', streamId: 'ledger-dn-notice@2026-03' });
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-dn-notice@2026-03',
        type: 'SuspensionNoticeSent',
        data: {
          daysBefore: 3,
          suspendAt: SUSPEND_AT,
          reason: 'funds-exhausted',
          at: '2026-03-14T09:00:00.000Z',
          hoursLeft: 72,
          timeLeft: 'in 3 days',
        },
      },
    ]);
    expect((await due(SendSuspensionNotice, 'dn-notice', notice(3))).newEvents).toEqual([]);
  });

  it('is a no-op once the account has been topped up', async () => {
    await paymentRequired('dn-paid');
    await topUp('dn-paid', 'dn-paid-p1', '100');
    expect((await due(SendSuspensionNotice, 'dn-paid', notice(3))).newEvents).toEqual([]);
  });
});

describe('SuspendIfUnpaid', () => {
  it('suspends an account whose payment was required and not paid, at the suspension date', async () => {
    await paymentRequired('dn-unpaid');
    const { outcome, newEvents } = await due(SuspendIfUnpaid, 'dn-unpaid', suspendIfUnpaid());
    expect(outcome).toMatchObject({ status: 'accepted', eventTypes: ['AccountSuspended'] });
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-dn-unpaid@2026-03',
        type: 'AccountSuspended',
        data: { at: SUSPEND_AT, reason: 'funds-exhausted', debt: '1', deleteAt: plusDays(SUSPEND_AT, 60) },
      },
    ]);
  });

  it('is a no-op after a top-up', async () => {
    await paymentRequired('dn-topped-up');
    expect((await topUp('dn-topped-up', 'dn-topped-up-p1', '100')).eventTypes).toEqual([
      'FundsDeposited',
      'BillPaymentApplied',
      'PaymentRequirementCleared',
    ]);
    const { outcome, newEvents } = await due(SuspendIfUnpaid, 'dn-topped-up', suspendIfUnpaid());
    expect(outcome).toMatchObject({ status: 'duplicate' });
    expect(newEvents).toEqual([]);
  });

  it('is a no-op before the suspension date', async () => {
    await paymentRequired('dn-early');
    expect((await due(SuspendIfUnpaid, 'dn-early', suspendIfUnpaid(plusDays(NOW, 1)))).newEvents).toEqual([]);
  });
});

describe('SuspendIfBillOverdue', () => {
  const overdue = (accountId: string) => ({
    type: 'SuspendIfBillOverdue' as const,
    billId: midPeriodBillId(accountId),
    at: OVERDUE_AT,
  });

  it('suspends an account whose bill is unpaid the day after its due date', async () => {
    await billed('dn-overdue');
    const { newEvents } = await due(SuspendIfBillOverdue, 'dn-overdue', overdue('dn-overdue'));
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-dn-overdue@2026-03',
        type: 'AccountSuspended',
        data: { at: OVERDUE_AT, reason: 'bill-overdue', debt: '150', deleteAt: plusDays(OVERDUE_AT, 60) },
      },
    ]);
  });

  it('is a no-op once the bill is paid', async () => {
    await billed('dn-bill-paid');
    await engine.send('dn-bill-paid', {
      type: 'PayBill',
      billId: midPeriodBillId('dn-bill-paid'),
      paymentId: 'dn-bill-paid-p1',
      amount: '150',
      channel: 'bank-transfer',
      at: NOW,
    });
    expect((await due(SuspendIfBillOverdue, 'dn-bill-paid', overdue('dn-bill-paid'))).newEvents).toEqual([]);
  });
});

describe('AccruePenalty', () => {
  // A suspension on 13 March (Moscow): the first penalty day is the 14th, charged at the start of the 15th.
  const penalty = (day: string, at: string) => ({ type: 'AccruePenalty' as const, day, at });
  const suspendedForTheBill = async (accountId: string) => {
    await billed(accountId);
    await due(SuspendIfBillOverdue, accountId, {
      type: 'SuspendIfBillOverdue',
      billId: midPeriodBillId(accountId),
      at: OVERDUE_AT,
    });
  };

  it('charges a day of late-payment penalty on the overdue debt, once per day', async () => {
    await suspendedForTheBill('dn-penalty');
    const firstDay = penalty('2026-03-14', '2026-03-14T21:00:00.000Z');
    const { newEvents } = await due(AccruePenalty, 'dn-penalty', firstDay);
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-dn-penalty@2026-03',
        type: 'PenaltyAccrued',
        data: {
          day: '2026-03-14',
          at: '2026-03-14T21:00:00.000Z',
          debt: '150',
          amount: '0.15',
          totalAccrued: '0.15',
          exactTotal: '0.15',
          capReached: false,
          balanceAfter: '-150.15',
        },
      },
    ]);
    expect((await due(AccruePenalty, 'dn-penalty', firstDay)).newEvents).toEqual([]);
    const nextDay = await due(AccruePenalty, 'dn-penalty', penalty('2026-03-15', '2026-03-15T21:00:00.000Z'));
    expect(nextDay.newEvents).toMatchObject([{ type: 'PenaltyAccrued', data: { totalAccrued: '0.3' } }]);
  });

  it('is a no-op for an account that is not suspended (penalties start at the suspension)', async () => {
    await billed('dn-no-penalty');
    expect(
      (await due(AccruePenalty, 'dn-no-penalty', penalty('2026-03-14', '2026-03-14T21:00:00.000Z')))
        .newEvents,
    ).toEqual([]);
  });
});

describe('BlockIfStillSuspended', () => {
  const DELETE_AT = plusDays(SUSPEND_AT, 60);

  it('blocks an account still suspended on its deletion date, in the period of that date', async () => {
    await paymentRequired('dn-block');
    await due(SuspendIfUnpaid, 'dn-block', suspendIfUnpaid());
    const { newEvents } = await due(BlockIfStillSuspended, 'dn-block', {
      type: 'BlockIfStillSuspended',
      at: DELETE_AT,
    });
    // May is reached through closing March and April, each carrying the suspension.
    expect(newEvents.map((e) => `${e.streamId} ${e.type}`)).toEqual([
      'ledger-dn-block@2026-03 PeriodClosed',
      'ledger-dn-block@2026-04 PeriodOpened',
      'ledger-dn-block@2026-04 PeriodClosed',
      'ledger-dn-block@2026-05 PeriodOpened',
      'ledger-dn-block@2026-05 AccountBlocked',
    ]);
    expect(newEvents.at(-1)!.data).toEqual({ at: DELETE_AT, suspendedAt: SUSPEND_AT });
  });

  it('is a no-op once the debt is paid in full', async () => {
    await paymentRequired('dn-restored');
    await due(SuspendIfUnpaid, 'dn-restored', suspendIfUnpaid());
    expect((await topUp('dn-restored', 'dn-restored-p1', '100', SUSPEND_AT)).eventTypes).toContain(
      'AccountRestored',
    );
    const { newEvents } = await due(BlockIfStillSuspended, 'dn-restored', {
      type: 'BlockIfStillSuspended',
      at: DELETE_AT,
    });
    expect(newEvents.filter((e) => e.type !== 'PeriodClosed' && e.type !== 'PeriodOpened')).toEqual([]);
  });
});

describe('QueueFrozenObjects, BlockObjectStorage, DeleteObjectStorage on a frozen prepaid individual', () => {
  const QUEUE_AT = plusDays(NOW, 3);
  const BLOCK_AT = plusDays(NOW, 30);
  const DELETE_AT = plusDays(NOW, 37);

  it('queues the frozen objects for deletion when the freeze has lasted long enough, once', async () => {
    await frozen('dn-frozen');
    const { newEvents } = await due(QueueFrozenObjects, 'dn-frozen', {
      type: 'QueueFrozenObjects',
      at: QUEUE_AT,
    });
    expect(newEvents).toEqual([
      {
        streamId: 'ledger-dn-frozen@2026-03',
        type: 'FrozenObjectsQueuedForDeletion',
        data: { at: QUEUE_AT, frozenSince: NOW },
      },
    ]);
    expect(
      (await due(QueueFrozenObjects, 'dn-frozen', { type: 'QueueFrozenObjects', at: QUEUE_AT })).newEvents,
    ).toEqual([]);
  });

  it('blocks, then deletes object storage, each in the period of its due time', async () => {
    await frozen('dn-storage');
    const blocked = await due(BlockObjectStorage, 'dn-storage', { type: 'BlockObjectStorage', at: BLOCK_AT });
    expect(blocked.newEvents).toEqual([
      expect.objectContaining({ streamId: 'ledger-dn-storage@2026-03', type: 'PeriodClosed' }),
      expect.objectContaining({ streamId: 'ledger-dn-storage@2026-04', type: 'PeriodOpened' }),
      {
        streamId: 'ledger-dn-storage@2026-04',
        type: 'ObjectStorageBlocked',
        data: { at: BLOCK_AT, frozenSince: NOW },
      },
    ]);
    const deleted = await due(DeleteObjectStorage, 'dn-storage', {
      type: 'DeleteObjectStorage',
      at: DELETE_AT,
    });
    expect(deleted.newEvents).toEqual([
      {
        streamId: 'ledger-dn-storage@2026-04',
        type: 'ObjectStorageDeleted',
        data: { at: DELETE_AT, frozenSince: NOW },
      },
    ]);
  });

  it('object storage is not deleted before it was blocked', async () => {
    await frozen('dn-not-blocked');
    const { newEvents } = await due(DeleteObjectStorage, 'dn-not-blocked', {
      type: 'DeleteObjectStorage',
      at: DELETE_AT,
    });
    expect(newEvents.filter((e) => e.type !== 'PeriodClosed' && e.type !== 'PeriodOpened')).toEqual([]);
  });

  it('all three are no-ops once a top-up has unfrozen the account', async () => {
    await frozen('dn-unfrozen');
    expect((await topUp('dn-unfrozen', 'dn-unfrozen-p1', '100')).eventTypes).toContain('AccountUnfrozen');
    const queued = await due(QueueFrozenObjects, 'dn-unfrozen', { type: 'QueueFrozenObjects', at: QUEUE_AT });
    const blocked = await due(BlockObjectStorage, 'dn-unfrozen', {
      type: 'BlockObjectStorage',
      at: BLOCK_AT,
    });
    const deleted = await due(DeleteObjectStorage, 'dn-unfrozen', {
      type: 'DeleteObjectStorage',
      at: DELETE_AT,
    });
    expect(
      [...queued.newEvents, ...blocked.newEvents, ...deleted.newEvents].filter(
        (e) => e.type !== 'PeriodClosed' && e.type !== 'PeriodOpened',
      ),
    ).toEqual([]);
  });
});

describe('the period of the due time', () => {
  it('a deadline fired late is still decided in the period of its due time, while that period is open', async () => {
    await frozen('dn-late');
    // The clock has passed the month end, but nothing has closed March yet.
    engine.clock.set('2026-04-01T12:00:00.000Z');
    const QUEUE_AT = plusDays(NOW, 3);
    const { newEvents } = await executed(
      engine,
      new QueueFrozenObjects('dn-late', QUEUE_AT, { type: 'QueueFrozenObjects', at: QUEUE_AT }, testMeta()),
    );
    expect(newEvents).toEqual([
      expect.objectContaining({ streamId: 'ledger-dn-late@2026-03', type: 'FrozenObjectsQueuedForDeletion' }),
    ]);
  });

  it('deadlineCommand names each planned timeline command as its own command class', () => {
    const meta = testMeta();
    const at = NOW;
    const planned: Array<[TimelineCommand, new (...args: never[]) => object]> = [
      [{ type: 'SendSuspensionNotice', suspendAt: at, daysBefore: 3, at }, SendSuspensionNotice],
      [suspendIfUnpaid(at), SuspendIfUnpaid],
      [{ type: 'SuspendIfBillOverdue', billId: 'b-1', at }, SuspendIfBillOverdue],
      [{ type: 'AccruePenalty', day: '2026-03-10', at }, AccruePenalty],
      [{ type: 'BlockIfStillSuspended', at }, BlockIfStillSuspended],
      [{ type: 'QueueFrozenObjects', at }, QueueFrozenObjects],
      [{ type: 'BlockObjectStorage', at }, BlockObjectStorage],
      [{ type: 'DeleteObjectStorage', at }, DeleteObjectStorage],
    ];
    for (const [command, Named] of planned) {
      const named = deadlineCommand('dn-named', '2026-03-11T00:00:00.000Z', command, meta);
      expect(named).toBeInstanceOf(Named);
      expect(named).toMatchObject({
        accountId: 'dn-named',
        dueAt: '2026-03-11T00:00:00.000Z',
        command,
        meta,
      });
    }
  });
});
