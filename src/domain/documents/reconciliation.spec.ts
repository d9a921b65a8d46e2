import {
  ReconciliationAmountError,
  ReconciliationEntryOutOfRangeError,
  ReconciliationRangeError,
  documentEntry,
  paymentEntry,
  reconcile,
  type ReconciliationEntry,
  type ReconciliationRequest,
} from './reconciliation.js';
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
