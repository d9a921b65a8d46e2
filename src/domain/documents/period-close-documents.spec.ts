/**
 * The caller's path, end to end on the real ledger decider: a December period closes, the closing
 * documents and the bill are composed from PeriodClosed, numbered per issuer and year, and stored as
 * DocumentIssued facts; the reconciliation report and the billing report agree with them.
 */
import type { LedgerCommand } from '../ledger/ledger-commands.js';
import { decideLedger } from '../ledger/ledger-decide.js';
import type { LedgerEvent, LedgerEventOf } from '../ledger/ledger-events.js';
import { contextFor, emptyCarried } from '../ledger/ledger.fixtures.js';
import { evolveLedger, initialLedgerState } from '../ledger/ledger-state.js';
import { periodById } from '../shared/reporting-period.js';
import {
  assignNumbersAcrossSeries,
  billForClosedPeriod,
  billingReport,
  closingDocumentsFor,
  documentEntry,
  paymentEntry,
  reconcile,
  type AccountDocument,
  type DocumentIssued,
} from './index.js';
import { RU_ISSUER, profile, ruLegal } from './documents.fixtures.js';

const PROFILE = 'yc-legal-credit';
const TIME_ZONE = 'Europe/Moscow';
const december = periodById('2025-12', TIME_ZONE);

function runLedger(commands: LedgerCommand[]): LedgerEvent[] {
  const context = contextFor(PROFILE);
  const opened: LedgerEvent = {
    type: 'PeriodOpened',
    data: {
      accountId: 'acc-ru',
      periodId: december.id,
      startsAt: december.startsAt,
      endsAt: december.endsAt,
      lastDay: december.lastDay,
      currency: 'RUB',
      profileId: PROFILE,
      profileVersion: 1,
      carried: emptyCarried({ creditLimit: '5000' }),
    },
  };
  const events: LedgerEvent[] = [opened];
  let state = evolveLedger(initialLedgerState(), opened);
  for (const command of commands) {
    const decision = decideLedger(command, state, context);
    if (!decision.ok) throw new Error(`${decision.code}: ${decision.message}`);
    for (const event of decision.events) {
      events.push(event);
      state = evolveLedger(state, event);
    }
  }
  return events;
}

const use = (id: string, sku: string, quantity: string, at: string): LedgerCommand => ({
  type: 'ConsumeResource',
  usageRecordId: id,
  sku,
  quantity,
  windowStart: at,
  windowEnd: at,
});

const events = runLedger([
  {
    type: 'IssueGrant',
    grantId: 'start',
    kind: 'start',
    amount: '1000',
    expiresAt: '2026-02-01T00:00:00.000Z',
    categories: 'all',
    excludedCategories: [],
    priority: 0,
    at: '2025-12-01T09:00:00.000Z',
  },
  {
    type: 'TopUp',
    paymentId: 'bank-1',
    amount: '2000',
    channel: 'bank-transfer',
    at: '2025-12-05T09:00:00.000Z',
  },
  { type: 'TopUp', paymentId: 'card-1', amount: '500', channel: 'card', at: '2025-12-06T09:00:00.000Z' },
  use('u-1', 'compute.vcpu', '4000', '2025-12-10T09:00:00.000Z'),
  use('u-2', 'storage.disk', '300', '2025-12-31T20:30:00.000Z'), // 23:30 in Moscow, still December
  { type: 'ClosePeriod', at: '2026-01-01T00:05:00.000Z', timeZone: TIME_ZONE },
]);
const closed = events.find((e) => e.type === 'PeriodClosed') as LedgerEventOf<'PeriodClosed'>;
const ledgerBill = events.find((e) => e.type === 'BillIssued') as LedgerEventOf<'BillIssued'>;
const account = ruLegal({ profileId: PROFILE });

describe('from PeriodClosed to numbered documents', () => {
  const closing = closingDocumentsFor({
    closed: closed.data,
    account,
    issuer: RU_ISSUER,
    profile: profile(PROFILE),
  });
  const bill = billForClosedPeriod(closed.data, {
    account,
    issuer: RU_ISSUER,
    profile: profile(PROFILE),
    ledgerBill: ledgerBill.data,
  });
  const toNumber: AccountDocument[] = [...closing.documents, ...(bill.issued ? [bill.bill] : [])];
  const { documents, counters } = assignNumbersAcrossSeries(
    [{ issuer: 'ru-moscow-llc', year: 2025, lastNumber: 57 }],
    toNumber,
  );
  const issued: DocumentIssued[] = documents.map((data) => ({ type: 'DocumentIssued', data }));

  it('the ledger closed December owing 800 after grants, deposits and the balance', () => {
    expect(closed.data).toMatchObject({
      consumption: '4300',
      grantsUsed: '1000',
      deposits: '2500',
      spentFromBalance: '3300',
    });
    expect(ledgerBill.data).toMatchObject({ amount: '800', issuedOn: '2026-01-01' });
  });

  it('act and VAT invoice for what the balance paid, at December’s 20%', () => {
    expect(closing.documents.map((d) => [d.kind, d.date, d.totals])).toEqual([
      ['act', '2025-12-31', { gross: '3300.00', vat: '550.00', net: '2750.00' }],
      ['vat-invoice', '2025-12-31', { gross: '3300.00', vat: '550.00', net: '2750.00' }],
    ]);
  });

  it('the bill lists the consumption and asks for the ledger’s 800', () => {
    expect(bill).toMatchObject({
      issued: true,
      bill: {
        date: '2026-01-01',
        dueDate: ledgerBill.data.dueDate,
        totals: { gross: '4300.00' },
        settlement: { grantsUsed: '1000.00', deposits: '2500.00' },
        toPay: '800.00',
      },
    });
  });

  it('December’s documents continue 2025’s series; the bill dated 1 January opens 2026’s bill series', () => {
    // Bills are not accounting documents (seed 004): their own series, so acts and invoices stay gapless.
    expect(issued.map((e) => [e.data.kind, e.data.number])).toEqual([
      ['act', 'RU-MOSCOW-LLC-2025-000058'],
      ['vat-invoice', 'RU-MOSCOW-LLC-2025-000059'],
      ['bill', 'RU-MOSCOW-LLC-BILL-2026-000001'],
    ]);
    expect(counters).toEqual([
      // The accounting series keeps its latest date (numbering in date order); bills' series do not.
      { issuer: 'ru-moscow-llc', year: 2025, lastNumber: 59, latestDate: '2025-12-31' },
      { issuer: 'ru-moscow-llc-bill', year: 2026, lastNumber: 1 },
    ]);
    expect(JSON.parse(JSON.stringify(issued))).toEqual(issued);
  });

  it('the reconciliation report for December: the customer owes what the bill asks for', () => {
    const deposits = events
      .filter((e): e is LedgerEventOf<'FundsDeposited'> => e.type === 'FundsDeposited')
      .map((e) => paymentEntry(e.data, TIME_ZONE));
    const report = reconcile({
      accountId: 'acc-ru',
      currency: 'RUB',
      from: december.firstDay,
      to: december.lastDay,
      openingBalance: '0',
      entries: [
        ...deposits,
        ...issued.filter((e) => e.data.date <= december.lastDay).map((e) => documentEntry(e.data)),
      ],
      eligibleChannels: profile(PROFILE).documents.eligibleChannels,
    });
    expect(report.lines.map((l) => [l.date, l.reference, l.debit, l.credit])).toEqual([
      ['2025-12-05', 'bank-1', '0.00', '2000.00'],
      ['2025-12-06', 'card-1', '0.00', '500.00'],
      ['2025-12-31', 'RU-MOSCOW-LLC-2025-000058', '3300.00', '0.00'],
    ]);
    expect(report.excluded).toEqual([
      { reference: 'RU-MOSCOW-LLC-2025-000059', reason: 'not-a-services-document' },
    ]);
    expect(report).toMatchObject({ owedBy: 'customer', owedAmount: '800.00' });
  });

  it('the billing report explains the act: what the balance paid, by service and day', () => {
    const report = billingReport({
      accountId: 'acc-ru',
      currency: 'RUB',
      timeZone: TIME_ZONE,
      from: december.firstDay,
      to: december.lastDay,
      consumption: events
        .filter((e): e is LedgerEventOf<'ResourceConsumed'> => e.type === 'ResourceConsumed')
        .map((e) => e.data),
    });
    expect(report.rows.map((r) => [r.day, r.service, r.amount, r.fromGrants, r.fromBalance])).toEqual([
      ['2025-12-10', 'Cloud Compute', '4000', '1000', '3000'],
      ['2025-12-31', 'Block Storage', '300', '0', '300'],
    ]);
    expect(report.totals).toEqual({ amount: '4300', fromGrants: '1000', fromBalance: '3300' });
  });
});
