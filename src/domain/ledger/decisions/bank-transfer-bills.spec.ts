import type { LedgerEvent } from '../ledger-events.js';
import { MARCH, consume, deposited, grantIssued, ledger, periodOpened } from '../ledger.fixtures.js';

const YC_PREPAID = 'yc-legal-prepaid';
const close = { type: 'ClosePeriod' as const, at: MARCH.endsAt, timeZone: 'Europe/Moscow' };

/** The events a decision appends (throws on a rejection). */
function eventsOf(
  decision: { ok: true; events: LedgerEvent[] } | { ok: false; code: string },
): LedgerEvent[] {
  if (!decision.ok) throw new Error(`rejected: ${decision.code}`);
  return decision.events;
}

describe('seed 004: bills for bank-transfer payers (no credit limit)', () => {
  it('1 400 consumed with a 1 000 grant by a bank-transfer payer: 400 billed once, when the debt arose, not again at the close', () => {
    const account = ledger(YC_PREPAID, 'bank-transfer').given([
      periodOpened({}, YC_PREPAID),
      grantIssued('g', '1000'),
    ]);
    const consumed = eventsOf(account.when(consume('u', 'compute.vcpu', '1400')).decision);
    const closed = eventsOf(
      ledger(YC_PREPAID, 'bank-transfer')
        .given([periodOpened({}, YC_PREPAID), grantIssued('g', '1000'), ...consumed])
        .when(close).decision,
    );
    // The mid-period bill for the debt went out when the balance went below zero; the period bill asks
    // for nothing twice.
    const bills = [...consumed, ...closed].filter((e) => e.type === 'BillIssued');
    expect(bills.map((b) => b.data)).toEqual([
      expect.objectContaining({ kind: 'mid-period', amount: '400', reason: 'debt' }),
    ]);
    expect(closed.map((e) => e.type)).toEqual(['PeriodClosed']);
  });

  it('the period bill for the debt that grew after the mid-period bill', () => {
    const first = ledger(YC_PREPAID, 'bank-transfer').given([periodOpened({}, YC_PREPAID)]);
    const debt = eventsOf(first.when(consume('u1', 'compute.vcpu', '100')).decision);
    const more = eventsOf(
      ledger(YC_PREPAID, 'bank-transfer')
        .given([periodOpened({}, YC_PREPAID), ...debt])
        .when(consume('u2', 'storage.hdd', '50')).decision,
    );
    const closed = eventsOf(
      ledger(YC_PREPAID, 'bank-transfer')
        .given([periodOpened({}, YC_PREPAID), ...debt, ...more])
        .when(close).decision,
    );
    expect(closed[0]).toMatchObject({
      type: 'BillIssued',
      data: { kind: 'period', amount: '50', issuedOn: '2026-04-01', dueDate: '2026-04-14' },
    });
  });

  it('a period bill at the close for an amount to pay carried in (a negative opening balance)', () => {
    const closed = eventsOf(
      ledger(YC_PREPAID, 'bank-transfer')
        .given([periodOpened({ balance: '-250' }, YC_PREPAID)])
        .when(close).decision,
    );
    expect(closed[0]).toMatchObject({ type: 'BillIssued', data: { kind: 'period', amount: '250' } });
  });

  it('a mid-period bill when debt arises, due when the account would be suspended for it', () => {
    const decision = ledger(YC_PREPAID, 'bank-transfer')
      .given([periodOpened({}, YC_PREPAID), deposited('50')])
      .when(consume('u', 'compute.vcpu', '80')).decision;
    expect(eventsOf(decision).map((e) => e.type)).toEqual([
      'ResourceConsumed',
      'PaymentRequired',
      'BillIssued',
    ]);
    expect(eventsOf(decision)[2]).toMatchObject({
      data: {
        kind: 'mid-period',
        amount: '30',
        issuedOn: '2026-03-10',
        dueDate: '2026-03-17',
        reason: 'debt',
      },
    });
  });

  it('a card payer gets neither bill (the same history)', () => {
    const decision = ledger(YC_PREPAID, 'card')
      .given([periodOpened({}, YC_PREPAID), deposited('50')])
      .when(consume('u', 'compute.vcpu', '80')).decision;
    expect(eventsOf(decision).map((e) => e.type)).toEqual(['ResourceConsumed', 'PaymentRequired']);
    const closed = eventsOf(
      ledger(YC_PREPAID, 'card')
        .given([periodOpened({ balance: '-250' }, YC_PREPAID)])
        .when(close).decision,
    );
    expect(closed.map((e) => e.type)).toEqual(['PeriodClosed']);
  });

  it('the first provider’s profiles bill no bank-transfer payer mid-period (no such rule there)', () => {
    const decision = ledger('vk-legal-prepaid', 'bank-transfer')
      .given([periodOpened({}, 'vk-legal-prepaid'), deposited('50')])
      .when(consume('u', 'compute.vcpu', '80')).decision;
    expect(eventsOf(decision).map((e) => e.type)).not.toContain('BillIssued');
  });
});
