import {
  ReconciliationAmountError,
  ReconciliationEntryOutOfRangeError,
  ReconciliationRangeError,
  documentEntry,
  paymentEntry,
  reconcile,
  refundEntries,
  type RefundEvent,
  type ReconciliationEntry,
  type ReconciliationRequest,
} from './reconciliation.js';
import Big from 'big.js';
import type { LedgerCommand } from '../ledger/ledger-commands.js';
import { decideLedger } from '../ledger/ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger/ledger-events.js';
import { evolveLedger, initialLedgerState, type LedgerState } from '../ledger/ledger-state.js';
import { MARCH, consume, contextFor, periodOpened } from '../ledger/ledger.fixtures.js';
import { closingDocumentsFor } from './closing-documents.js';
import { assignNumbers, initialNumberCounter } from './numbering.js';
import { RU_CUSTOMER, RU_ISSUER, periodClosed, profile, ruLegal, service } from './documents.fixtures.js';

const act = (date: string, amount: string, number = `ACT-${date}`): ReconciliationEntry => ({
  type: 'document',
  date,
  documentId: `doc-${date}`,
  kind: 'act',
  number,
  amount,
});
const payment = (
  date: string,
  amount: string,
  channel: 'bank-transfer' | 'card' = 'bank-transfer',
  paymentId = `pay-${date}-${channel}`,
): ReconciliationEntry => ({ type: 'payment', date, paymentId, channel, amount });

const request = (overrides: Partial<ReconciliationRequest> = {}): ReconciliationRequest => ({
  accountId: 'acc-ru',
  currency: 'RUB',
  from: '2026-01-01',
  to: '2026-03-31',
  openingBalance: '0',
  entries: [],
  eligibleChannels: ['bank-transfer'],
  ...overrides,
});

describe('reconcile', () => {
  const report = reconcile(
    request({
      provider: RU_ISSUER,
      customer: RU_CUSTOMER,
      entries: [
        act('2026-01-31', '920.00', 'RU-MOSCOW-LLC-2026-000010'),
        payment('2026-01-05', '1000.00'),
        {
          type: 'document',
          date: '2026-01-31',
          documentId: 'inv',
          kind: 'vat-invoice',
          number: 'INV-1',
          amount: '920.00',
        },
        payment('2026-02-10', '500.00', 'card', 'card-1'),
        { type: 'document', date: '2026-02-01', documentId: 'bill', kind: 'bill', amount: '400.00' },
        act('2026-02-28', '300.00', 'RU-MOSCOW-LLC-2026-000020'),
      ],
    }),
  );

  it('one line per act (debit) and eligible payment (credit), in date order', () => {
    expect(report.lines).toEqual([
      {
        date: '2026-01-05',
        entryType: 'payment',
        description: 'Payment pay-2026-01-05-bank-transfer (bank-transfer)',
        reference: 'pay-2026-01-05-bank-transfer',
        debit: '0.00',
        credit: '1000.00',
      },
      {
        date: '2026-01-31',
        entryType: 'document',
        description: 'Act RU-MOSCOW-LLC-2026-000010',
        reference: 'RU-MOSCOW-LLC-2026-000010',
        debit: '920.00',
        credit: '0.00',
      },
      {
        date: '2026-02-28',
        entryType: 'document',
        description: 'Act RU-MOSCOW-LLC-2026-000020',
        reference: 'RU-MOSCOW-LLC-2026-000020',
        debit: '300.00',
        credit: '0.00',
      },
    ]);
  });

  it('VAT invoices and bills are not lines; card payments are excluded where the profile says so', () => {
    expect(report.excluded).toEqual([
      { reference: 'INV-1', reason: 'not-a-services-document' },
      { reference: 'card-1', reason: 'channel-not-eligible' },
      { reference: 'bill', reason: 'not-a-services-document' },
    ]);
  });

  it('totals, closing balance and who owes whom', () => {
    expect(report).toMatchObject({
      opening: { debit: '0.00', credit: '0.00' },
      turnover: { debit: '1220.00', credit: '1000.00' },
      closing: { debit: '220.00', credit: '0.00' },
      closingBalance: '220.00',
      owedBy: 'customer',
      owedAmount: '220.00',
      provider: RU_ISSUER,
      customer: RU_CUSTOMER,
    });
  });

  it('card payments count when the profile lists the channel', () => {
    const withCards = reconcile(
      request({
        eligibleChannels: ['bank-transfer', 'card'],
        entries: [payment('2026-02-10', '500.00', 'card')],
      }),
    );
    expect(withCards.turnover.credit).toBe('500.00');
    expect(withCards.owedBy).toBe('provider');
  });

  it('the opening balance: a debt on the debit side, a prepayment on the credit side', () => {
    const owing = reconcile(request({ openingBalance: '500', entries: [payment('2026-01-10', '200.00')] }));
    expect(owing.opening).toEqual({ debit: '500.00', credit: '0.00' });
    expect(owing).toMatchObject({ closing: { debit: '300.00', credit: '0.00' }, owedBy: 'customer' });

    const prepaid = reconcile(request({ openingBalance: '-150.5', entries: [act('2026-01-31', '100.00')] }));
    expect(prepaid.opening).toEqual({ debit: '0.00', credit: '150.50' });
    expect(prepaid).toMatchObject({
      closing: { debit: '0.00', credit: '50.50' },
      closingBalance: '-50.50',
      owedBy: 'provider',
      owedAmount: '50.50',
    });
  });

  it('settled exactly: nobody owes', () => {
    const settled = reconcile(
      request({ entries: [act('2026-01-31', '100.00'), payment('2026-02-01', '100.00')] }),
    );
    expect(settled).toMatchObject({ closingBalance: '0.00', owedBy: 'nobody', owedAmount: '0.00' });
  });

  it('entries of one date keep their input order', () => {
    const sameDay = reconcile(
      request({
        entries: [
          payment('2026-01-31', '5.00', 'bank-transfer', 'p1'),
          act('2026-01-31', '5.00', 'A'),
          payment('2026-01-31', '1.00', 'bank-transfer', 'p2'),
        ],
      }),
    );
    expect(sameDay.lines.map((l) => l.reference)).toEqual(['p1', 'A', 'p2']);
  });

  it('the range is inclusive at both ends; entries outside it are refused', () => {
    const edges = reconcile(request({ entries: [act('2026-01-01', '1.00'), payment('2026-03-31', '1.00')] }));
    expect(edges.lines).toHaveLength(2);
    expect(() => reconcile(request({ entries: [act('2025-12-31', '1.00')] }))).toThrow(
      ReconciliationEntryOutOfRangeError,
    );
    expect(() => reconcile(request({ entries: [payment('2026-04-01', '1.00')] }))).toThrow(
      expect.objectContaining({ code: 'RECONCILIATION_ENTRY_OUT_OF_RANGE' }),
    );
  });

  it('a one-day range is fine; a reversed one is refused', () => {
    expect(reconcile(request({ from: '2026-02-01', to: '2026-02-01' })).lines).toEqual([]);
    expect(() => reconcile(request({ from: '2026-02-02', to: '2026-02-01' }))).toThrow(
      ReconciliationRangeError,
    );
  });

  it('amounts are in minor units and not negative', () => {
    expect(() => reconcile(request({ entries: [act('2026-01-31', '1.005')] }))).toThrow(
      expect.objectContaining({ code: 'AMOUNT_NOT_IN_MINOR_UNITS' }),
    );
    expect(() => reconcile(request({ entries: [payment('2026-01-31', '-1.00')] }))).toThrow(
      ReconciliationAmountError,
    );
    expect(() => reconcile(request({ openingBalance: '0.001' }))).toThrow(
      expect.objectContaining({ code: 'AMOUNT_NOT_IN_MINOR_UNITS' }),
    );
  });
});

describe('entries from documents and ledger deposits', () => {
  it('a numbered closing document becomes a debit line with its number and gross total', () => {
    const account = ruLegal({ profileId: 'vk-legal-prepaid' });
    const { documents } = closingDocumentsFor({
      closed: periodClosed({ byService: [service('Compute', '1220')] }),
      account,
      issuer: RU_ISSUER,
      profile: profile('vk-legal-prepaid'),
    });
    const numbered = assignNumbers(initialNumberCounter('ru-moscow-llc', 2026), documents).documents;
    const entry = documentEntry(numbered[0]!);
    expect(entry).toEqual({
      type: 'document',
      date: '2026-03-31',
      documentId: 'acc-ru/2026-03/upd',
      kind: 'upd',
      number: 'RU-MOSCOW-LLC-2026-000001',
      amount: '1220.00',
    });
    expect(reconcile(request({ entries: [entry] })).lines[0]).toMatchObject({
      description: 'UPD RU-MOSCOW-LLC-2026-000001',
      debit: '1220.00',
    });
  });

  it('a deposit is dated by its local day in the account’s time zone', () => {
    const deposit = {
      paymentId: 'p-1',
      amount: '1000',
      channel: 'bank-transfer' as const,
      countsInDocuments: true,
      balanceAfter: '1000',
      at: '2026-03-31T21:30:00.000Z',
    };
    expect(paymentEntry(deposit, 'Europe/Moscow')).toEqual({
      type: 'payment',
      date: '2026-04-01',
      paymentId: 'p-1',
      channel: 'bank-transfer',
      amount: '1000',
    });
    expect(paymentEntry(deposit, 'UTC').date).toBe('2026-03-31');
  });
});

describe('refunds in the reconciliation report (issue 14: money returned reduces the customer’s advance)', () => {
  /**
   * A second-provider legal entity (cards and bank transfers count) on the ledger itself: March — 1 000.00
   * by bank transfer and 400.00 by card, 300.00 used, the act at the month end; April — everything left
   * asked back, oldest first (the bank transfer's 700.00, then the card's 400.00), the bank part completed
   * on 3 April, the card part failed, then asked again and completed on 10 April.
   */
  const context = contextFor('yc-legal-prepaid');
  const events: LedgerEvent[] = [];
  let state: LedgerState = initialLedgerState();
  const run = (command: LedgerCommand) => {
    const decision = decideLedger(command, state, context);
    if (!decision.ok) throw new Error(`${decision.code}: ${decision.message}`);
    for (const event of decision.events) {
      events.push(event);
      state = evolveLedger(state, event);
    }
  };
  const book = (event: LedgerEvent) => {
    events.push(event);
    state = evolveLedger(state, event);
  };
  book(periodOpened({}, 'yc-legal-prepaid'));
  run({
    type: 'TopUp',
    paymentId: 'p-bank',
    amount: '1000',
    channel: 'bank-transfer',
    at: '2026-03-05T09:00:00.000Z',
  });
  run({ type: 'TopUp', paymentId: 'p-card', amount: '400', channel: 'card', at: '2026-03-06T09:00:00.000Z' });
  run(consume('u-1', 'compute.vcpu', '300'));
  run({ type: 'ClosePeriod', at: MARCH.endsAt, timeZone: 'Europe/Moscow' });
  const march = state;
  state = initialLedgerState();
  book({
    type: 'PeriodOpened',
    data: {
      accountId: 'acc-1',
      periodId: '2026-04',
      startsAt: MARCH.endsAt,
      endsAt: '2026-04-30T21:00:00.000Z',
      lastDay: '2026-04-30',
      currency: 'RUB',
      profileId: 'yc-legal-prepaid',
      profileVersion: 1,
      carried: march.closedCarry!,
    },
  });
  const refund = (refundId: string, amount: string, at: string) =>
    run({ type: 'RequestRefund', refundId, amount, reason: 'leaving', by: 'ops:test', at });
  const answer = (refundId: string, failed: boolean, at: string, paymentId?: string) =>
    run({
      type: 'RecordRefundResult',
      refundId,
      ...(paymentId ? { paymentId } : {}),
      result: failed ? { status: 'failed', reason: 'card expired' } : { status: 'completed' },
      at,
    });
  refund('r-1', 'all', '2026-04-02T09:00:00.000Z');
  answer('r-1', false, '2026-04-03T09:00:00.000Z', 'p-bank');
  answer('r-1', true, '2026-04-03T09:00:00.000Z', 'p-card');
  refund('r-2', '400', '2026-04-09T09:00:00.000Z');
  answer('r-2', false, '2026-04-10T09:00:00.000Z');

  const TZ = 'Europe/Moscow';
  const entries = (): ReconciliationEntry[] => [
    ...events
      .filter((e): e is LedgerEventOf<'FundsDeposited'> => e.type === 'FundsDeposited')
      .map((e) => paymentEntry(e.data, TZ)),
    act('2026-03-31', '300.00', 'ACT-MARCH'),
    ...refundEntries(
      events.filter((e): e is RefundEvent => e.type === 'RefundRequested' || e.type === 'RefundCompleted'),
      TZ,
    ),
  ];
  const byDate = (from: string, to: string) => entries().filter((e) => e.date >= from && e.date <= to);
  const twoSided = ['bank-transfer', 'card'] as const;

  it('each completed part is a debit row on the day it completed; a failed part is no row', () => {
    expect(
      refundEntries(
        events.filter((e): e is RefundEvent => e.type.startsWith('Refund') && e.type !== 'RefundFailed'),
        TZ,
      ),
    ).toEqual([
      {
        type: 'refund',
        date: '2026-04-03',
        refundId: 'r-1',
        paymentId: 'p-bank',
        channel: 'bank-transfer',
        amount: '700',
      },
      {
        type: 'refund',
        date: '2026-04-10',
        refundId: 'r-2',
        paymentId: 'p-card',
        channel: 'card',
        amount: '400',
      },
    ]);
  });

  it('opening (March folded in), April’s refunds and the closing balance equal the ledger’s balance', () => {
    const opening = reconcile(
      request({
        from: '2026-03-01',
        to: '2026-03-31',
        entries: byDate('2026-03-01', '2026-03-31'),
        eligibleChannels: [...twoSided],
      }),
    );
    // The advance at March's end is the ledger's closing balance: 1 400 paid − 300 used.
    expect(opening.closingBalance).toBe(`-${new Big(march.closedCarry!.balance).toFixed(2)}`);
    const april = reconcile(
      request({
        from: '2026-04-01',
        to: '2026-04-30',
        openingBalance: opening.closingBalance,
        entries: byDate('2026-04-01', '2026-04-30'),
        eligibleChannels: [...twoSided],
      }),
    );
    expect(april.opening).toEqual({ debit: '0.00', credit: '1100.00' });
    expect(april.lines).toEqual([
      {
        date: '2026-04-03',
        entryType: 'refund',
        description: 'Refund r-1/p-bank (bank-transfer)',
        reference: 'r-1/p-bank',
        debit: '700.00',
        credit: '0.00',
      },
      {
        date: '2026-04-10',
        entryType: 'refund',
        description: 'Refund r-2/p-card (card)',
        reference: 'r-2/p-card',
        debit: '400.00',
        credit: '0.00',
      },
    ]);
    expect(april).toMatchObject({ turnover: { debit: '1100.00', credit: '0.00' }, owedBy: 'nobody' });
    // Money-wise the report and the ledger agree: nothing owed either way, nothing left on the balance.
    expect(new Big(april.closingBalance).eq(state.balance.neg())).toBe(true);
    expect(state.balance.eq(0)).toBe(true);
  });

  it('a failed part is the customer’s advance again; a part in flight has not left it yet', () => {
    const upTo = (to: string) =>
      reconcile(
        request({
          from: '2026-03-01',
          to,
          entries: byDate('2026-03-01', to),
          eligibleChannels: [...twoSided],
        }),
      );
    // 1 400 − 300 − 700 returned: the card's 400 failed on 3 April and is the customer's advance again.
    expect(upTo('2026-04-05')).toMatchObject({ closingBalance: '-400.00', owedBy: 'provider' });
    // Asked again on 9 April, paid out on 10 April: the ledger took it off the balance when asked, the
    // report when it completed (the ledger's balance + the refunds in flight).
    expect(upTo('2026-04-09')).toMatchObject({ closingBalance: '-400.00', owedAmount: '400.00' });
    expect(upTo('2026-04-10')).toMatchObject({ closingBalance: '0.00', owedBy: 'nobody' });
  });

  it('a refund to a channel the profile leaves out of documents is left out, like its payment', () => {
    const bankOnly = reconcile(
      request({
        from: '2026-03-01',
        to: '2026-04-30',
        entries: entries(),
        eligibleChannels: ['bank-transfer'],
      }),
    );
    expect(bankOnly.excluded).toEqual([
      { reference: 'p-card', reason: 'channel-not-eligible' },
      { reference: 'r-2/p-card', reason: 'channel-not-eligible' },
    ]);
    // The bank's 1 000 paid, 300 confirmed, 700 returned: settled (card money is outside, both ways).
    expect(bankOnly).toMatchObject({ closingBalance: '0.00', owedBy: 'nobody' });
  });

  it('a refund amount is in minor units and not negative', () => {
    const part = (amount: string): ReconciliationEntry => ({
      type: 'refund',
      date: '2026-01-10',
      refundId: 'r',
      paymentId: 'p',
      channel: 'bank-transfer',
      amount,
    });
    expect(() => reconcile(request({ entries: [part('-1.00')] }))).toThrow(ReconciliationAmountError);
    expect(() => reconcile(request({ entries: [part('1.001')] }))).toThrow(
      expect.objectContaining({ code: 'AMOUNT_NOT_IN_MINOR_UNITS' }),
    );
  });
});
